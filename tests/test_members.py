"""The Member States reference data."""

from __future__ import annotations

import pytest

from procedures.members import normalise


def test_there_are_194_member_states_with_unique_codes_and_names(ruleset):
    members = ruleset.members
    assert len(members) == 194
    codes = [m.code for m in members.spec.member]
    names = [normalise(m.name) for m in members.spec.member]
    assert len(set(codes)) == 194 and len(set(names)) == 194
    assert all(len(c) == 3 for c in codes), "Member States are coded ISO 3166-1 alpha-3"


def test_the_six_regional_telecommunication_organizations_are_data(ruleset):
    orgs = ruleset.regional_organizations
    assert sorted(m.code for m in orgs.spec.member) == ["APT", "ATU", "CEPT", "CITEL", "LAS", "RCC"]
    assert orgs.find("Inter-American Telecommunications Commission").code == "CITEL"
    assert orgs.find("cept").code == "CEPT"


@pytest.mark.parametrize(
    "name,code",
    [
        ("Iran (Islamic Republic of)", "IRN"),
        ("Islamic Republic of Iran", "IRN"),
        ("iran (islamic republic of)", "IRN"),
        ("IRN", "IRN"),
        ("irn", "IRN"),
        ("Côte d'Ivoire", "CIV"),
        ("Cote d’Ivoire", "CIV"),
        ("United States of America", "USA"),
        ("Türkiye", "TUR"),
        ("Turkey", "TUR"),
        ("Vatican", "VAT"),
        ("  Viet   Nam ", "VNM"),
        ("Korea (Rep. of)", "KOR"),
        ("Democratic People's Republic of Korea", "PRK"),
        ("Switzerland", "CHE"),
        # the names ITU itself publishes, in their "Name (qualifier)" form
        ("Netherlands (Kingdom of the)", "NLD"),
        ("Moldova (Republic of)", "MDA"),
        ("Micronesia (Federated States of)", "FSM"),
        ("Bolivia (Plurinational State of)", "BOL"),
        ("Congo (Republic of the)", "COG"),
        ("Democratic Republic of the Congo", "COD"),
        ("Korea (Republic of)", "KOR"),
        ("Lao P.D.R.", "LAO"),
        ("Venezuela (Bolivarian Republic of)", "VEN"),
        ("Tanzania (United Republic of)", "TZA"),
        ("Syrian Arab Republic", "SYR"),
        ("Germany (Federal Republic of)", "DEU"),
        ("China (People's Republic of)", "CHN"),
        ("Albania (Republic of)", "ALB"),
        ("Argentine Republic", "ARG"),
        ("Gabonese Republic", "GAB"),
        ("Togolese Republic", "TGO"),
        ("Viet Nam (Socialist Republic of)", "VNM"),
        ("Philippines (Republic of the)", "PHL"),
        ("Bahamas (Commonwealth of the)", "BHS"),
        ("Vatican City State", "VAT"),
        ("Uruguay (Eastern Republic of)", "URY"),
        ("Republic of Albania", "ALB"),
        ("Kingdom of the Netherlands", "NLD"),
    ],
)
def test_members_are_found_by_code_or_any_name(name, code, ruleset):
    assert ruleset.members.find(name).code == code


@pytest.mark.parametrize("name", ["Palestine", "Kosovo", "Taiwan", "Huawei Technologies", "European Union", "PSE", ""])
def test_non_members_are_not_found(name, ruleset):
    assert ruleset.members.find(name) is None


def test_every_member_state_is_found_under_its_itu_name_and_its_plain_reading(ruleset):
    """ITU publishes "Name (qualifier)"; a reply may also write "qualifier Name"."""
    import re

    members = ruleset.members
    with_qualifier = 0
    for m in members.spec.member:
        itu_name = m.itu_name or m.name
        assert members.find(itu_name) is m
        found = re.fullmatch(r"(.+) \((.+)\)", itu_name)
        if found:
            with_qualifier += 1
            assert members.find(f"{found[2]} {found[1]}") is m
    assert with_qualifier > 100


@pytest.mark.parametrize("name", ["Korea", "korea"])
def test_a_name_of_two_member_states_is_ambiguous_not_a_non_member(name, ruleset):
    members = ruleset.members
    assert members.find(name) is None
    assert sorted(m.code for m in members.ambiguous(name)) == ["KOR", "PRK"]
    assert members.ambiguous("Palestine") == ()


def test_a_name_in_itu_form_is_found_whatever_the_spacing_around_its_brackets(ruleset):
    members = ruleset.members
    for written in ("Netherlands(Kingdom of the)", "Netherlands ( Kingdom of the )", "netherlands (kingdom of the)"):
        assert members.find(written).code == "NLD", written


def test_common_and_former_names_of_member_states_are_recognised(ruleset):
    """A reply under a name people still use must not be dropped as 'not a Member State'."""
    for name, code in (("Great Britain", "GBR"), ("Holland", "NLD"), ("Burma", "MMR"), ("Macedonia", "MKD"), ("Zaire", "COD")):
        assert ruleset.members.find(name).code == code, name
