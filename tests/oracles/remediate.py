"""Remediation of IOS configs by hier_config, and both remediations applied, as an oracle.

Input on stdin: a JSON list of {"running", "rendered", "ours": [commands]}. For each case
hier_config (the library golden-config users run) computes its own remediation of running
towards rendered; then each remediation is applied to the running config with hier_config's
future() and the result is read by ciscoconfparse2 (parse.ios) and compared with the
rendered config read the same way. Output: a JSON list of
{"hier": [commands], "oursConverges": bool, "hierConverges": bool, "oursDiff": ..., "hierDiff": ...}.
"""
import json
import os
import sys

from hier_config import HConfig, Host

sys.path.insert(0, os.path.dirname(__file__))
from parse import ios  # noqa: E402


def applied(running, commands):
    host = Host("device", "ios")
    host.load_running_config(running)
    change = HConfig(host=host)
    # `exit` only moves the CLI back to the global level; it is not configuration.
    change.load_from_string("\n".join(c for c in commands if c.strip() != "exit"))
    return str(host.running_config.future(change))


def differences(a, b):
    return {k: [a[k], b[k]] for k in a if a[k] != b[k]}


out = []
wanted = {}  # the rendered config of a device read once, whatever the number of its cases
for case in json.load(sys.stdin):
    host = Host("device", "ios")
    host.load_running_config(case["running"])
    host.load_generated_config(case["rendered"])
    hier = str(host.remediation_config()).splitlines()
    want = wanted.get(case["rendered"]) or wanted.setdefault(case["rendered"], ios(case["rendered"]))
    ours = ios(applied(case["running"], case["ours"]))
    theirs = ios(applied(case["running"], hier))
    out.append({"hier": hier, "runningConverges": ios(case["running"]) == want, "oursConverges": ours == want, "hierConverges": theirs == want, "oursDiff": differences(ours, want), "hierDiff": differences(theirs, want)})
json.dump(out, sys.stdout)
