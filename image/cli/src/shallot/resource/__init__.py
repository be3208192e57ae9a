"""`shallot generate resource` and `shallot destroy resource`: a resource through every layer
of a project, from its fields, and out again.

fields.py reads the field list and names.py the names (inflection.py gives the singular);
layers.py says how each field is written in each layer, resource.py gathers what the templates
are given. project.py reads the project (its tables, its records, its git status) and
migration.py its migrations' head. plan.py renders templates/ (or the project's own, in
.shallot/templates/resource/) and wiring.py's registrations into a plan that --dry-run lists
and that is written all at once; record.py keeps what was written, which undo.py takes out.
"""
