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
    ],
)
def test_members_are_found_by_code_or_any_name(name, code, ruleset):
    assert ruleset.members.find(name).code == code


@pytest.mark.parametrize("name", ["Palestine", "Kosovo", "Taiwan", "Huawei Technologies", "European Union", "PSE", ""])
def test_non_members_are_not_found(name, ruleset):
    assert ruleset.members.find(name) is None
