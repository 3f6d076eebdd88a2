"""Reads device configs with parsers outpost did not write and prints what they hold as JSON.

Input on stdin: a JSON list of {"hostname", "platform", "text"}. Output on stdout: a JSON
object hostname -> facts. Cisco IOS is read by ciscoconfparse2, AOS-CX and FortiOS by the
netutils config parsers (ArubaConfigCXParser, FortinetConfigParser). The fact extraction
below only walks the trees those parsers build; it never splits lines into blocks itself.
Test-only: installed by scripts/setup-oracles.sh into a cache outside the repository.
"""
import json
import re
import shlex
import sys

from ciscoconfparse2 import CiscoConfParse
from netutils.config.parser import ArubaConfigCXParser, FortinetConfigParser


def vlan_list(spec):
    out = []
    for part in spec.split(","):
        a, _, b = part.partition("-")
        out.extend(range(int(a), int(b or a) + 1))
    return out


def ios(text):
    parse = CiscoConfParse(text.splitlines(), syntax="ios")
    ports = {}
    for obj in parse.find_objects(r"^interface (GigabitEthernet|TenGigabitEthernet)\S+$"):
        kids = [c.text.strip() for c in obj.children]
        trunk = "switchport mode trunk" in kids
        native = next((k.split()[-1] for k in kids if k.startswith("switchport trunk native vlan ")), None)
        access = next((k.split()[-1] for k in kids if k.startswith("switchport access vlan ")), None)
        allowed = next((k.split()[-1] for k in kids if k.startswith("switchport trunk allowed vlan ")), None)
        dot1x = "authentication port-control auto" in kids and "dot1x pae authenticator" in kids
        ports[obj.text.split()[1]] = {
            "mode": "trunk" if trunk else "access",
            "vlan": int((native if trunk else access) or 1),
            "tagged": vlan_list(allowed) if trunk and allowed else [],
            "auth": "none" if trunk else ("dot1x" if dot1x else ("port-security" if "switchport port-security" in kids else "none")),
            "shutdown": "shutdown" in kids,
        }
    # IOS numbers the entries of a named ACL (10, 20...) when it shows them: the number is not the entry.
    acl = [
        re.sub(r"^\d+ ", "", c.text.strip())
        for o in parse.find_objects(r"^ip access-list standard OUTPOST-MGMT$")
        for c in o.children
    ]
    vty = parse.find_objects(r"^line vty ")
    transports = [c.text.split()[2:] for o in vty for c in o.children if c.text.strip().startswith("transport input")]
    return {
        "vlans": sorted(int(o.text.split()[1]) for o in parse.find_objects(r"^vlan \d+$")),
        "ports": ports,
        "acl": acl,
        "accessClass": sorted({c.text.strip() for o in vty for c in o.children if c.text.strip().startswith("access-class")}),
        "telnet": any("telnet" in t or "all" in t for t in transports) or len(transports) < len(vty),
        "ssh": any("ssh" in t for t in transports),
        "http": bool(parse.find_objects(r"^ip http (secure-)?server$")),
        "snmpCommunities": len(parse.find_objects(r"^snmp-server community ")),
        "ntp": [o.text.split()[2] for o in parse.find_objects(r"^ntp server ")],
        "syslog": [o.text.split()[2] for o in parse.find_objects(r"^logging host ")],
    }


def tree(lines):
    """netutils ConfigLines -> {top-level line: [child lines]} (every depth under it)."""
    out = {}
    for cl in lines:
        if not cl.parents:
            out.setdefault(cl.config_line.strip(), [])
        else:
            out.setdefault(cl.parents[0].strip(), []).append(cl.config_line.strip())
    return out


def aoscx(text):
    t = tree(ArubaConfigCXParser(text).config_lines)
    ports = {}
    for head, kids in t.items():
        m = re.match(r"^interface (1/1/\d+)$", head)
        if not m:
            continue
        trunk = any(k.startswith("vlan trunk ") for k in kids)
        native = next((k.split()[-1] for k in kids if k.startswith("vlan trunk native ")), None)
        access = next((k.split()[-1] for k in kids if k.startswith("vlan access ")), None)
        allowed = next((k.split()[-1] for k in kids if k.startswith("vlan trunk allowed ")), None)
        ports[m.group(1)] = {
            "mode": "trunk" if trunk else "access",
            "vlan": int((native if trunk else access) or 1),
            "tagged": vlan_list(allowed) if trunk and allowed else [],
            "auth": "none" if trunk else ("dot1x" if "aaa authentication port-access dot1x authenticator" in kids else ("port-security" if "port-access port-security" in kids else "none")),
            "shutdown": "shutdown" in kids,
        }
    heads = list(t)
    return {
        "vlans": sorted(int(h.split()[1]) for h in heads if re.match(r"^vlan \d+$", h)),
        "ports": ports,
        "acl": t.get("access-list ip OUTPOST-MGMT", []),
        "accessClass": [h for h in heads if h.startswith("apply access-list ")],
        "telnet": any(h.startswith("telnet server") for h in heads),
        "ssh": any(h.startswith("ssh server vrf ") for h in heads),
        "http": any(h.startswith("https-server vrf ") for h in heads),
        "snmpCommunities": sum(1 for h in heads if h.startswith("snmp-server community ")),
        "ntp": [h.split()[2] for h in heads if h.startswith("ntp server ")],
        "syslog": [h.split()[1] for h in heads if re.match(r"^logging \d", h)],
    }


def fortios(text):
    """Each `config` path -> its `set` values and its `edit` entries, from netutils' parents."""
    sets = {}
    for cl in FortinetConfigParser(text).config_lines:
        line = cl.config_line.strip()
        if not line.startswith("set "):
            continue
        words = shlex.split(line)
        path = tuple(p.strip() for p in cl.parents)
        sets.setdefault(path, {})[words[1]] = words[2:]
    def entries(config):
        return {p[-1].split(None, 1)[1].strip('"'): v for p, v in sets.items() if len(p) == 2 and p[0] == config and p[1].startswith("edit ")}
    policies = [
        {"id": k, "srcaddr": v.get("srcaddr", []), "dstaddr": v.get("dstaddr", []), "action": (v.get("action") or [""])[0], "service": v.get("service", []), "comments": (v.get("comments") or [""])[0]}
        for k, v in entries("config firewall policy").items()
    ]
    interfaces = entries("config system interface")
    ntp = [v["server"][0] for p, v in sets.items() if len(p) == 3 and p[0] == "config system ntp" and "server" in v]
    return {
        "policies": policies,
        "addresses": {k: v.get("subnet", []) for k, v in entries("config firewall address").items()},
        "groups": {k: v.get("member", []) for k, v in entries("config firewall addrgrp").items()},
        "allowaccess": {k: v.get("allowaccess", []) for k, v in interfaces.items()},
        "trusthosts": sorted(" ".join(v) for e in entries("config system admin").values() for k, v in e.items() if k.startswith("trusthost")),
        "telnet": (sets.get(("config system global",), {}).get("admin-telnet") or [""])[0] == "enable",
        "ntp": ntp,
        "syslog": [v["server"][0] for p, v in sets.items() if len(p) == 1 and re.match(r"^config log syslogd\d* setting$", p[0]) and "server" in v],
    }


READERS = {"cisco-ios": ios, "aruba-aoscx": aoscx, "fortigate": fortios}

if __name__ == "__main__":
    devices = json.load(sys.stdin)
    json.dump({d["hostname"]: READERS[d["platform"]](d["text"]) for d in devices}, sys.stdout)
