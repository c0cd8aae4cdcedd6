"""Positioned parsing: YAML and JSON text -> plain values that remember where they were written.

The bottom of the pipeline: it knows nothing of Kubernetes or Kong.  ``values`` holds the value
types (``LMap``, ``LSeq``, ``LoadError``) and needs no YAML library; ``tree`` composes libyaml
events (PyYAML is imported only there); ``jsonfile`` reads JSON streams as kubectl does.
"""
