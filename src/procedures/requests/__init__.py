"""Each job's request model, in a module of its own (issue 17: start-up).

pydantic collects a model's fields when its class is made, which a command pays for every class it imports;
procedures.jobs makes a request's class when it is first asked for (``procedures.jobs.CheckRequest`` imports
``procedures.requests.check``), so a command makes its own alone. The helpers they share (``Request``, the
field types ``Text``, ``Day``, ...) are in procedures.jobs.
"""
