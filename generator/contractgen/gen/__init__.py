"""From validated specs to files: names and types computed in Python, rendered by thin templates."""
