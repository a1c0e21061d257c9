"""`make bench`: the REST write path, event latency, pipeline throughput and generator scaling.

Run `python -m bench --help`; README.md beside this file says what each figure means.
"""
