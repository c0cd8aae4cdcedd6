"""kongcheck's configuration file: found (files.py), read with positions, validated against the
schema (schema.py, check.py), and turned into defaults for the command line's flags."""
