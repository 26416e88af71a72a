"""One-shot, idempotent setup of the Elastic stack: users, roles, mappings, Kibana objects, rules.

Run it as `python -m setup --phase elasticsearch|kibana|all`; the data it applies lives in
setup/data/ (and kibana/ for saved objects and rules), separate from this code.
"""
