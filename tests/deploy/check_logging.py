#!/usr/bin/env python3
"""The services' real log lines parse with the Fluent Bit parser the logging stack uses.

    check_logging.py LOG_DIR

Reads k8s/logging/parsers.conf (parser rto_json: Format json, Time_Key, Time_Format) and the
parser named by Merge_Parser in k8s/logging/fluent-bit.conf, then applies the same rules to
every line of LOG_DIR/*.log and *.log.1 (the run before a restart) written by the test platform's
services (not frontend.log): each line must be one JSON object
with the time key in the declared format, and carry level, service and msg. Fluent Bit itself
is not packaged in Debian 12; its json parser is JSON decoding plus strptime of Time_Key, and
%L (fractional seconds) is Fluent Bit's extension, mapped to Python's %f here.
"""
import datetime
import glob
import json
import os
import re
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
conf = open(os.path.join(ROOT, "k8s/logging/fluent-bit.conf")).read()
parsers = open(os.path.join(ROOT, "k8s/logging/parsers.conf")).read()
merge = re.search(r"^\s*Merge_Parser\s+(\S+)", conf, re.M).group(1)
blocks = re.split(r"^\[PARSER\]", parsers, flags=re.M)[1:]
parser = None
for b in blocks:
    kv = dict(re.findall(r"^\s*(\w+)\s+(.+?)\s*$", b, re.M))
    if kv.get("Name") == merge:
        parser = kv
if not parser:
    sys.exit(f"check-logging: parser {merge} (Merge_Parser in fluent-bit.conf) not in parsers.conf")
if parser.get("Format") != "json":
    sys.exit(f"check-logging: parser {merge} is not a json parser")
time_key = parser["Time_Key"]
time_fmt = parser["Time_Format"].replace("%L", "%f")

# The C++ services' logs; the frontend's (Next.js prints plain text) is not shipped through this
# parser.
# A service started again (the backup-and-restore proof restarts the platform) moved its earlier
# log to <name>.log.1: both are read, so the end-to-end tests' lines are checked too.
files = sorted(f for pattern in ("*.log", "*.log.1") for f in glob.glob(os.path.join(sys.argv[1], pattern))
               if not os.path.basename(f).startswith("frontend.log"))
if not files:
    sys.exit(f"check-logging: no *.log in {sys.argv[1]}")
lines = bad = 0
services = set()
for f in files:
    for n, line in enumerate(open(f, errors="replace"), 1):
        line = line.rstrip("\n")
        if not line.strip():
            continue
        lines += 1
        try:
            rec = json.loads(line)
            assert isinstance(rec, dict), "not an object"
            datetime.datetime.strptime(rec[time_key], time_fmt)
            for k in ("level", "service", "msg"):
                assert k in rec, f"no {k}"
            services.add(rec["service"])
        except Exception as e:  # noqa: BLE001 - report any failure with the line
            bad += 1
            if bad <= 10:
                print(f"check-logging: {os.path.basename(f)}:{n}: {e!r}: {line[:160]}", file=sys.stderr)
print(f"check-logging: {lines} lines from {len(files)} files ({', '.join(sorted(services))}); "
      f"{bad} did not parse with {merge}")
sys.exit(1 if bad or lines == 0 else 0)
