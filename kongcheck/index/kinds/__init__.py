"""One module per kind kongcheck reads (the kinds table names it: facts/kinds.py).

A module has ``parse(obj) -> record`` (a subclass of index/records.py's Record, or Classed for
classed kinds) that reads the kind's own fields, typed and located; the index fills in what is
common to every kind.  It may also have ``refused(record, target) -> Refusal | None`` for what
the API server refuses beyond field types.  A field of the wrong type raises FieldError: the API
server would refuse the object, so it takes no part in the scan.
"""
