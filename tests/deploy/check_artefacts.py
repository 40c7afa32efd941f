#!/usr/bin/env python3
"""Static checks of the deployment artefacts (run by tests/deploy/check.sh in `make test`).

Every service must have its Dockerfile, Compose services (dev and prod), Kubernetes manifest
(listed in k8s/kustomization.yaml, with an HPA and a network policy), Prometheus scrape job,
alert group with unit tests, and Grafana dashboard. The services are the fixed list below plus
every services/<name>/ with a CMakeLists.txt, so a service added later without its artefacts
fails here. Also: every YAML and JSON file parses, the Dockerfiles follow the image rules, the
Compose bind mounts exist, the CI workflows are well-formed, and the Kubernetes copies of the
backup, database-roles and RabbitMQ-users scripts are identical to their originals.

Only the standard library and PyYAML (Debian python3-yaml).
"""
import glob
import json
import os
import re
import sys

import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
os.chdir(ROOT)

SERVICES = {"api-gateway": 8080, "user-service": 8081, "vehicle-service": 8082, "credit-service": 8083,
            "payment-service": 8084, "telematics-service": 8085, "support-service": 8086}
errors = []


def err(msg):
    errors.append(msg)


def load_yaml_all(path):
    with open(path) as f:
        return [d for d in yaml.safe_load_all(f) if d is not None]


# --------------------------------------------------------------- discovery
for cm in glob.glob("services/*/CMakeLists.txt"):
    name = cm.split("/")[1]
    if name not in SERVICES:
        err(f"services/{name} is not in tests/deploy/check_artefacts.py SERVICES (add it with its port, "
            f"and give it a Dockerfile, Compose services, k8s manifest, alerts and a dashboard)")
        SERVICES[name] = None

# --------------------------------------------------------------- every YAML / JSON parses
yaml_files = [p for p in glob.glob("**/*.y*ml", recursive=True) + glob.glob(".github/**/*.y*ml", recursive=True)
              if not p.startswith(("build/", ".data/", ".deps/", "frontend/node_modules/")) and "/node_modules/" not in p]
for p in sorted(set(yaml_files)):
    try:
        load_yaml_all(p)
    except yaml.YAMLError as e:
        err(f"{p}: invalid YAML: {e}")
for p in glob.glob("k8s/monitoring/dashboards/*.json"):
    try:
        d = json.load(open(p))
    except ValueError as e:
        err(f"{p}: invalid JSON: {e}")
        continue
    for key in ("uid", "title", "panels"):
        if key not in d:
            err(f"{p}: dashboard without {key}")
    for panel in d.get("panels", []):
        if not panel.get("targets") or not all(t.get("expr") for t in panel["targets"]):
            err(f"{p}: panel '{panel.get('title')}' has no query")

# --------------------------------------------------------------- Dockerfiles
dockerfiles = {n: f"services/{n}/Dockerfile" for n in SERVICES}
dockerfiles["mobile-money-sim"] = "tools/mobile-money-sim/Dockerfile"
dockerfiles["frontend"] = "deploy/docker/frontend.Dockerfile"
for name, path in dockerfiles.items():
    if not os.path.isfile(path):
        err(f"{name}: no {path}")
        continue
    text = open(path).read()
    froms = re.findall(r"^FROM\s+(\S+)", text, re.M)
    if len(froms) < 2:
        err(f"{path}: not multi-stage")
    base_args = dict(re.findall(r"^ARG\s+(\w+)=(\S+)", text, re.M))
    for f in froms:
        img = re.sub(r"\$\{(\w+)\}", lambda m: base_args.get(m.group(1), ""), f)
        if img in ("build",):
            continue
        if not re.search(r"(debian:12|bookworm)", img):
            err(f"{path}: FROM {f} is not a Debian 12 (bookworm) image")
    users = re.findall(r"^USER\s+(\S+)", text, re.M)
    if not users or users[-1].split(":")[0] in ("root", "0"):
        err(f"{path}: the runtime stage must end with a non-root USER")
    if "HEALTHCHECK" not in text:
        err(f"{path}: no HEALTHCHECK")
    for label in ("org.opencontainers.image.version", "org.opencontainers.image.revision", "org.opencontainers.image.source"):
        if label not in text:
            err(f"{path}: no {label} label")
    if name in SERVICES and SERVICES[name] and f"/health" not in text:
        err(f"{path}: the health check does not use /health")
if not os.path.isfile(".dockerignore") or ".data" not in open(".dockerignore").read():
    err(".dockerignore missing or does not exclude .data")

# --------------------------------------------------------------- Compose
for path in ("docker-compose.yml", "docker-compose.prod.yml"):
    doc = load_yaml_all(path)[0]
    svcs = doc.get("services", {})
    for name in list(SERVICES) + ["frontend", "postgres", "rabbitmq"]:
        if name not in svcs:
            err(f"{path}: no service {name}")
    for name, s in svcs.items():
        for v in s.get("volumes", []) or []:
            src = v.split(":")[0] if isinstance(v, str) else ""
            if src.startswith("./") and not os.path.exists(src):
                err(f"{path}: {name} mounts {src}, which does not exist")
    if path.endswith("prod.yml"):
        for name in list(SERVICES) + ["frontend"]:
            s = svcs.get(name, {})
            for key in ("healthcheck", "restart", "deploy", "depends_on") if name != "frontend" else ("healthcheck", "restart"):
                if key not in s:
                    err(f"{path}: {name} has no {key}")
            if s.get("image", "").endswith(":latest"):
                err(f"{path}: {name} uses a latest tag")
        published = {n for n, s in svcs.items() if s.get("ports")}
        allowed = {"api-gateway", "frontend", "telematics-service", "grafana"}
        if published - allowed:
            err(f"{path}: only the gateway, frontend, trackers (and Grafana on localhost) may publish ports, not {sorted(published - allowed)}")

# --------------------------------------------------------------- Kubernetes files
kust = load_yaml_all("k8s/kustomization.yaml")[0]
resources = set(kust.get("resources", []))
for name in list(SERVICES) + ["frontend"]:
    f = f"{name}-deployment.yaml"
    if not os.path.isfile(f"k8s/{f}"):
        err(f"{name}: no k8s/{f}")
    elif f not in resources:
        err(f"{name}: k8s/{f} is not in k8s/kustomization.yaml")
hpas = {d["metadata"]["name"] for d in load_yaml_all("k8s/hpa.yaml")}
netpols = {d["metadata"]["name"] for d in load_yaml_all("k8s/network-policies.yaml")}
for name in SERVICES:
    if name not in hpas:
        err(f"{name}: no HorizontalPodAutoscaler in k8s/hpa.yaml")
    if name not in netpols and name != "api-gateway":
        err(f"{name}: no NetworkPolicy named {name} in k8s/network-policies.yaml")
for plan_file in ("namespace.yaml", "secrets.yaml", "configmap.yaml", "databases.yaml", "rabbitmq.yaml", "monitoring.yaml",
                  "ingress.yaml", "cert-manager-issuer.yaml", "hpa.yaml", "logging/logging.yaml", "DEPLOYMENT_GUIDE.md"):
    if not os.path.isfile(f"k8s/{plan_file}"):
        err(f"k8s/{plan_file} (named by the deployment plan) is missing")
# kustomize reads no file outside k8s/: the scripts its ConfigMaps carry are copies.
for copy, original in (("k8s/backup/backup.sh", "scripts/backup.sh"),
                       ("k8s/postgres/init-databases.sh", "deploy/postgres/init-databases.sh"),
                       ("k8s/rabbitmq/provision-users.sh", "deploy/rabbitmq/provision-users.sh")):
    if not os.path.isfile(copy) or open(copy).read() != open(original).read():
        err(f"{copy} differs from {original} (copy it: cp {original} {copy})")

# --------------------------------------------------------------- monitoring per service
prom = load_yaml_all("deploy/prometheus/prometheus.yml")[0]
jobs = {j["job_name"] for j in prom["scrape_configs"]}
rules = load_yaml_all("k8s/monitoring/rules/services.yml")[0]
groups = {g["name"]: {r["alert"] for r in g["rules"]} for g in rules["groups"]}
all_alerts = set()
for f in glob.glob("k8s/monitoring/rules/*.yml"):
    for g in load_yaml_all(f)[0]["groups"]:
        all_alerts |= {r["alert"] for r in g["rules"] if "alert" in r}
        for r in g["rules"]:
            if "alert" in r and not r.get("annotations", {}).get("runbook_url"):
                err(f"{f}: alert {r['alert']} has no runbook_url")
            rb = r.get("annotations", {}).get("runbook_url", "")
            if rb and not os.path.isfile(rb):
                err(f"{f}: alert {r['alert']}: runbook {rb} does not exist")
tests = load_yaml_all("tests/deploy/alerts.test.yml")[0]
tested = {(t["name"], r["alertname"]) for t in tests["tests"] for r in t.get("alert_rule_test", []) if r.get("exp_alerts")}
tested_names = {a for _, a in tested}
for a in sorted(all_alerts - tested_names):
    err(f"alert {a} has no firing unit test in tests/deploy/alerts.test.yml")
required = {"ServiceDown", "HighErrorRate", "HighLatencyP99", "OutboxBacklog", "EventsDeadLettered"}
for name in SERVICES:
    if name not in jobs:
        err(f"{name}: no scrape job in deploy/prometheus/prometheus.yml")
    missing = required - groups.get(name, set())
    if missing:
        err(f"{name}: alert group in k8s/monitoring/rules/services.yml lacks {sorted(missing)}")
    for a in required:
        if (name, a) not in tested:
            err(f"{name}: alert {a} has no unit test in tests/deploy/alerts.test.yml")
    if not os.path.isfile(f"k8s/monitoring/dashboards/{name}.json"):
        err(f"{name}: no dashboard k8s/monitoring/dashboards/{name}.json")
    elif f"monitoring/dashboards/{name}.json" not in open("k8s/kustomization.yaml").read():
        err(f"{name}: dashboard not provisioned by k8s/kustomization.yaml (grafana-dashboards)")

# --------------------------------------------------------------- CI workflows
for path in (".github/workflows/ci.yml", ".github/workflows/deploy.yml"):
    if not os.path.isfile(path):
        err(f"no {path}")
        continue
    wf = load_yaml_all(path)[0]
    on = wf.get(True, wf.get("on"))  # YAML 1.1 reads the key `on` as true
    if not on:
        err(f"{path}: no trigger (on:)")
    if not wf.get("jobs"):
        err(f"{path}: no jobs")
    for jid, job in (wf.get("jobs") or {}).items():
        if "runs-on" not in job:
            err(f"{path}: job {jid} has no runs-on")
        for i, step in enumerate(job.get("steps", [])):
            if ("uses" in step) == ("run" in step):
                err(f"{path}: job {jid} step {i} must have exactly one of uses/run")
            if "uses" in step and not re.match(r"^[\w.-]+/[\w./-]+@[\w.-]+$", step["uses"]):
                err(f"{path}: job {jid} step {i}: uses '{step['uses']}' is not owner/repo@ref")
        for need in ([job["needs"]] if isinstance(job.get("needs"), str) else job.get("needs", [])):
            if need not in wf["jobs"]:
                err(f"{path}: job {jid} needs unknown job {need}")

errors = list(dict.fromkeys(errors))
for e in errors:
    print(f"check-artefacts: {e}", file=sys.stderr)
print(f"check-artefacts: {len(SERVICES)} services, {len(yaml_files)} YAML files, {len(all_alerts)} alerts; "
      f"{'FAILED with ' + str(len(errors)) + ' problem(s)' if errors else 'ok'}")
sys.exit(1 if errors else 0)
