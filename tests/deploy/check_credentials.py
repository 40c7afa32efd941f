#!/usr/bin/env python3
"""Who connects as whom: the credentials contract, checked on rendered deployment artefacts.

    check_credentials.py compose LABEL RENDERED.yaml [USERLIST]   (`docker-compose config` output)
    check_credentials.py k8s LABEL RENDERED.yaml SECRET.yaml      (`kubectl kustomize` output and
                                                                    a Secret from generate-secrets)

The contract (deploy/postgres/init-databases.sh, deploy/rabbitmq/provision-users.sh), for each
service <svc> in user vehicle credit payment telematics support:
  DATABASE_URL            postgresql://<svc>_app:...@.../<svc>db  (runtime role)
  DATABASE_MIGRATION_URL  postgresql://<svc>_svc:...@.../<svc>db  (owner role, migrations)
  AMQP_URL                amqp://<svc>-service:...@.../           (its own RabbitMQ user)
and the gateway's AMQP_URL names api-gateway. No process but the broker and the provisioning
job gets the broker's admin password, and no AMQP_URL names the admin.

The passwords are followed end to end: the two provisioning scripts are run, with the
environment their runner gets (Compose: the postgres image's init hook, the one-shots
postgres-roles and rabbitmq-users; Kubernetes: each database's init hook, the Jobs postgres-roles
and rabbitmq-users, with the rendered ConfigMaps as their scripts), against stand-ins for psql
and curl that record what they were asked; each role and user must receive the password its
process connects with. URLs through PgBouncer need both roles in its userlist with the same
passwords. Compose also: the broker image has the management plugin, and every process waits
for the one-shots to complete. Kubernetes also: the Job makes the roles on the server PgBouncer
routes each database to, and the NetworkPolicies let each process reach PgBouncer and RabbitMQ,
PgBouncer and the Job postgres-roles the databases, and the Job rabbitmq-users the management
API.

Only the standard library and PyYAML (Debian python3-yaml).
"""
import os
import re
import subprocess
import sys
import tempfile
from urllib.parse import unquote, urlsplit

import yaml

SERVICES = ["user", "vehicle", "credit", "payment", "telematics", "support"]
MQ_USERS = {f"{s}-service": f"{s.upper()}_MQ_PASSWORD" for s in SERVICES} | {"api-gateway": "GATEWAY_MQ_PASSWORD"}
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
errors = []


def err(msg):
    errors.append(f"{LABEL}: {msg}")


def url(value, what):
    """(scheme, user, password, host, port, path) of a URL, or None with an error."""
    if not value:
        err(f"{what}: not set")
        return None
    u = urlsplit(value)
    if not u.username:
        err(f"{what}: no user in {u.scheme}://{u.hostname}:{u.port}{u.path}")
        return None
    return u.scheme, unquote(u.username), unquote(u.password or ""), u.hostname, u.port, u.path


# ------------------------------------------------------------------ running the two scripts
STUB = r"""#!/bin/bash
# records one call: the program, PGHOST, then the arguments, one per line
# and, for curl, a body read from standard input (--data-binary @-) after a --stdin-body line
body=""
if [ ! -t 0 ]; then body=$(cat); fi
{
  echo "@@ $(basename "$0") ${PGHOST-}"
  printf '%s\n' "$@"
  if [ "$(basename "$0")" = curl ] && [ -n "$body" ]; then printf -- '--stdin-body\n%s\n' "$body"; fi
} >> "$STUB_LOG"
exit 0
"""


def run_recorded(command, env, mounts=None, what=""):
    """Runs a command (argv) with env, psql/curl/pg_isready stubbed; returns the recorded calls."""
    with tempfile.TemporaryDirectory() as tmp:
        stubs = os.path.join(tmp, "bin")
        os.mkdir(stubs)
        for name in ("psql", "curl", "pg_isready", "rabbitmqctl"):
            p = os.path.join(stubs, name)
            with open(p, "w") as f:
                f.write(STUB)
            os.chmod(p, 0o755)
        # Mounted files (container path -> content) are written under tmp, and the command's
        # references to the container paths point there.
        argv = list(command)
        for target, files in sorted((mounts or {}).items(), key=lambda kv: -len(kv[0])):
            local = os.path.join(tmp, "mnt" + target.replace("/", "_"))
            os.makedirs(local, exist_ok=True)
            for name, content in files.items():
                with open(os.path.join(local, name), "w") as f:
                    f.write(content)
            argv = [a.replace(target, local) for a in argv]
        log = os.path.join(tmp, "calls.log")
        full_env = {k: str(v) for k, v in env.items()}
        full_env.update(PATH=f"{stubs}:/usr/bin:/bin", STUB_LOG=log, HOME=tmp)
        try:
            r = subprocess.run(argv, env=full_env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
        except subprocess.TimeoutExpired:
            err(f"{what}: did not finish within 60 s")
            return []
        if r.returncode != 0:
            err(f"{what}: exit status {r.returncode}: {(r.stderr or r.stdout).strip()[-300:]}")
        calls = []
        if os.path.exists(log):
            for block in open(log).read().split("@@ ")[1:]:
                lines = block.rstrip("\n").split("\n")
                prog, _, host = lines[0].partition(" ")
                calls.append((prog, host, lines[1:]))
        return calls


def db_roles(calls):
    """{role: (password, PGHOST)} from the recorded psql calls of init-databases.sh."""
    roles = {}
    for prog, host, args in calls:
        if prog != "psql":
            continue
        v = dict(args[i + 1].split("=", 1) for i, a in enumerate(args[:-1]) if a == "-v" and "=" in args[i + 1])
        if "owner_pw" in v:
            roles[v["owner"]] = (v["owner_pw"], host)
            roles[v["app"]] = (v["app_pw"], host)
    return roles


def mq_users(calls):
    """({user: password}, api base URL, api credentials) from the recorded curl calls."""
    users, base, auth = {}, set(), set()
    for prog, _, args in calls:
        if prog != "curl" or "-X" not in args:
            continue
        target = next((a for a in args if a.startswith("http")), "")
        m = re.match(r"(.*)/api/users/([^/]+)$", target)
        flag = "-d" if "-d" in args else "--stdin-body" if "--stdin-body" in args else None
        if m and flag:
            body = args[args.index(flag) + 1]
            pw = re.search(r'"password":"((?:[^"\\]|\\.)*)"', body)
            users[m.group(2)] = pw.group(1).replace('\\"', '"').replace("\\\\", "\\") if pw else None
            base.add(m.group(1))
            auth.add(args[args.index("-u") + 1] if "-u" in args else "")
    return users, base, auth


def check_db_provisioning(roles, urls, what, hosts=None):
    """Each service's two URLs carry the password its role was given (and, when hosts is given,
    the role was made on the server PgBouncer sends that database to)."""
    for svc in SERVICES:
        for var, role in (("DATABASE_URL", f"{svc}_app"), ("DATABASE_MIGRATION_URL", f"{svc}_svc")):
            u = urls.get((svc, var))
            if not u:
                continue
            if role not in roles:
                err(f"{what} does not make role {role}")
            elif roles[role][0] != u[2]:
                err(f"{what} gives {role} another password than {svc}-service's {var}")
            elif hosts and roles[role][1] != hosts.get(f"{svc}db"):
                err(f"{what} makes {role} on host {roles[role][1]!r}, but PgBouncer sends {svc}db to {hosts.get(f'{svc}db')!r}")


def check_mq_provisioning(calls, amqp, admin, what, api_host):
    users, base, auth = mq_users(calls)
    if set(users) != set(MQ_USERS):
        err(f"{what} made RabbitMQ users {sorted(users)}, expected {sorted(MQ_USERS)}")
    for name, u in amqp.items():
        if name in users and users[name] != u[2]:
            err(f"{what} gives RabbitMQ user {name} another password than its AMQP_URL")
    for b in base:
        h = urlsplit(b)
        if (h.hostname, h.port) != api_host:
            err(f"{what}: management API {b}, expected http://{api_host[0]}:{api_host[1]}")
    if auth and auth != {f"{admin[0]}:{admin[1]}"}:
        err(f"{what}: the management API is not called as the broker's admin {admin[0]}")


def check_process_urls(envs):
    """envs: {process name: env dict}. Returns ({(svc, var): url}, {mq user: url})."""
    dburls, amqp = {}, {}
    for svc in SERVICES:
        name = f"{svc}-service"
        env = envs.get(name)
        if env is None:
            err(f"no {name}")
            continue
        for var, role in (("DATABASE_URL", f"{svc}_app"), ("DATABASE_MIGRATION_URL", f"{svc}_svc")):
            u = url(env.get(var), f"{name} {var}")
            if not u:
                continue
            if u[0] not in ("postgresql", "postgres") or u[1] != role or u[5] != f"/{svc}db":
                err(f"{name} {var} connects as {u[1]} to {u[5].lstrip('/')}, expected {role} to {svc}db")
            dburls[(svc, var)] = u
    for name, env in envs.items():
        if "AMQP_URL" not in env:
            continue
        u = url(env["AMQP_URL"], f"{name} AMQP_URL")
        if not u:
            continue
        want = name if name in MQ_USERS else None
        if u[0] != "amqp" or u[1] != want:
            err(f"{name} AMQP_URL connects as {u[1]!r}, expected {want or 'no broker at all'}")
        amqp[name] = u
    for name in MQ_USERS:
        if name in envs and name not in amqp:
            err(f"{name} has no AMQP_URL")
    return dburls, amqp


def check_userlist(text, dburls, bouncer_host, what):
    listed = dict(re.findall(r'^"([^"]+)"\s+"([^"]*)"', text or "", re.M))
    for (svc, var), u in dburls.items():
        if u[3] != bouncer_host:
            continue
        if u[1] not in listed:
            err(f"{what} lacks {u[1]} ({svc}-service {var} goes through PgBouncer)")
        elif listed[u[1]] != u[2]:
            err(f"{what} has another password for {u[1]} than {svc}-service's {var}")


# ------------------------------------------------------------------ Compose
def compose(path, userlist_path=None):
    doc = yaml.safe_load(open(path))
    svcs = doc["services"]

    def env_of(name):
        env = (svcs.get(name) or {}).get("environment") or {}
        if isinstance(env, list):
            env = dict(e.split("=", 1) for e in env)
        # `docker-compose config` writes a literal $ as $$
        return {k: ("" if v is None else str(v)).replace("$$", "$") for k, v in env.items()}

    def mounts_of(name):
        out = {}
        for v in (svcs.get(name) or {}).get("volumes") or []:
            if isinstance(v, dict):
                src, dst = v.get("source", ""), v.get("target", "")
            else:
                parts = v.split(":")
                src, dst = parts[0], parts[1] if len(parts) > 1 else ""
            if src.startswith("/") and os.path.isfile(src):
                out[dst] = src
        return out

    envs = {n: env_of(n) for n in svcs}
    dburls, amqp = check_process_urls(envs)

    rmq = envs.get("rabbitmq", {})
    admin = (rmq.get("RABBITMQ_DEFAULT_USER", "guest"), rmq.get("RABBITMQ_DEFAULT_PASS", "guest"))
    if "management" not in (svcs.get("rabbitmq") or {}).get("image", ""):
        err("the rabbitmq image has no management plugin (the rabbitmq-users job uses its API)")
    for name, env in envs.items():
        if name in ("rabbitmq", "rabbitmq-users"):
            continue
        if any(admin[1] and admin[1] in v for v in env.values()):
            err(f"{name} is given the broker's admin password")

    # Every process waits for its credentials to exist.
    for name in [f"{s}-service" for s in SERVICES] + ["api-gateway"]:
        deps = (svcs.get(name) or {}).get("depends_on") or {}
        wanted = ["rabbitmq-users"] + (["postgres-roles"] if name != "api-gateway" else [])
        for job in wanted:
            condition = (deps.get(job) or {}).get("condition") if isinstance(deps, dict) else None
            if condition != "service_completed_successfully":
                err(f"{name} does not wait for {job} to complete (depends_on condition service_completed_successfully)")

    # PostgreSQL: the image's init hook on an empty volume, and the one-shot postgres-roles.
    init = os.path.join(ROOT, "deploy/postgres/init-databases.sh")
    pg_mounts = mounts_of("postgres")
    if not any(dst.startswith("/docker-entrypoint-initdb.d/") and os.path.samefile(src, init) for dst, src in pg_mounts.items()):
        err("postgres does not run deploy/postgres/init-databases.sh from /docker-entrypoint-initdb.d")
    calls = run_recorded(["bash", init], envs.get("postgres", {}), what="init-databases.sh with the postgres service's environment")
    check_db_provisioning(db_roles(calls), dburls, "init-databases.sh (postgres, first start)")
    job = svcs.get("postgres-roles")
    if not job:
        err("no one-shot postgres-roles")
    else:
        argv = (job.get("entrypoint") or []) + (job.get("command") or [])
        mounts = {os.path.dirname(dst): {os.path.basename(dst): open(src).read()} for dst, src in mounts_of("postgres-roles").items()}
        if not any(os.path.samefile(src, init) for src in mounts_of("postgres-roles").values()):
            err("postgres-roles does not mount deploy/postgres/init-databases.sh")
        calls = run_recorded([a.replace("$$", "$") for a in argv], envs["postgres-roles"], mounts, "postgres-roles")
        roles = db_roles(calls)
        check_db_provisioning(roles, dburls, "postgres-roles")
        for role, (_, host) in roles.items():
            if host != "postgres":
                err(f"postgres-roles makes {role} on {host!r}, not on the postgres service")

    # RabbitMQ: the one-shot rabbitmq-users, through the management API.
    prov = os.path.join(ROOT, "deploy/rabbitmq/provision-users.sh")
    job = svcs.get("rabbitmq-users")
    if not job:
        err("no one-shot rabbitmq-users")
    else:
        if not any(os.path.samefile(src, prov) for src in mounts_of("rabbitmq-users").values()):
            err("rabbitmq-users does not mount deploy/rabbitmq/provision-users.sh")
        if (job.get("depends_on") or {}).get("rabbitmq", {}).get("condition") != "service_healthy":
            err("rabbitmq-users does not wait for rabbitmq to be healthy")
        argv = (job.get("entrypoint") or []) + (job.get("command") or [])
        mounts = {os.path.dirname(dst): {os.path.basename(dst): open(src).read()} for dst, src in mounts_of("rabbitmq-users").items()}
        calls = run_recorded([a.replace("$$", "$") for a in argv], envs["rabbitmq-users"], mounts, "rabbitmq-users")
        check_mq_provisioning(calls, amqp, admin, "rabbitmq-users", ("rabbitmq", 15672))

    if userlist_path:
        check_userlist(open(userlist_path).read(), dburls, "pgbouncer", f"PgBouncer userlist {os.path.basename(userlist_path)}")
    elif any(u[3] == "pgbouncer" for u in dburls.values()):
        err("the services connect through PgBouncer but no userlist was given to check")
    return len(svcs)


# ------------------------------------------------------------------ Kubernetes
def selects(selector, labels):
    if selector is None:
        return False
    for k, v in (selector.get("matchLabels") or {}).items():
        if labels.get(k) != v:
            return False
    for e in selector.get("matchExpressions") or []:
        k, op, vals = e["key"], e["operator"], e.get("values") or []
        if op == "In" and labels.get(k) not in vals:
            return False
        if op == "NotIn" and labels.get(k) in vals:
            return False
        if op == "Exists" and k not in labels:
            return False
        if op == "DoesNotExist" and k in labels:
            return False
    return True


def k8s(path, secret_path):
    docs = [d for d in yaml.safe_load_all(open(path)) if d]
    secret = yaml.safe_load(open(secret_path))["stringData"]
    configmaps = {d["metadata"]["name"]: d.get("data") or {} for d in docs if d["kind"] == "ConfigMap"}
    # The platform's namespace (the logging stack has its own).
    ns = next((d["metadata"].get("namespace") for d in docs if d["kind"] == "Deployment" and d["metadata"]["name"] == "api-gateway"), None)

    def template(d):
        if d["kind"] in ("Deployment", "StatefulSet", "DaemonSet", "Job"):
            return d["spec"]["template"]
        if d["kind"] == "CronJob":
            return d["spec"]["jobTemplate"]["spec"]["template"]
        return None

    workloads = {(d["kind"], d["metadata"]["name"]): d for d in docs if template(d) and d["metadata"].get("namespace") == ns}

    def container_env(c):
        env = {}
        for e in c.get("env") or []:
            ref = e.get("valueFrom") or {}
            if "value" in e:
                env[e["name"]] = str(e["value"])
            elif "secretKeyRef" in ref:
                env[e["name"]] = secret.get(ref["secretKeyRef"]["key"])
            elif "configMapKeyRef" in ref:
                env[e["name"]] = configmaps.get(ref["configMapKeyRef"]["name"], {}).get(ref["configMapKeyRef"]["key"])
        return {k: v for k, v in env.items() if v is not None}

    def first_container(kind, name):
        d = workloads.get((kind, name))
        if not d:
            err(f"no {kind} {name}")
            return None, None
        return d, template(d)["spec"]["containers"][0]

    def mounts(d, c):
        """{mountPath: {file: content}} for the container's ConfigMap volumes."""
        vols = {v["name"]: v for v in template(d)["spec"].get("volumes") or []}
        out = {}
        for m in c.get("volumeMounts") or []:
            cm = (vols.get(m["name"]) or {}).get("configMap")
            if not cm:
                continue
            data = configmaps.get(cm["name"])
            if data is None:
                err(f"{d['kind']}/{d['metadata']['name']}: ConfigMap {cm['name']} is not rendered")
                continue
            items = cm.get("items")
            files = {i["path"]: data[i["key"]] for i in items} if items else dict(data)
            if "subPath" in m:
                out[os.path.dirname(m["mountPath"])] = {os.path.basename(m["mountPath"]): files.get(m["subPath"], "")}
            else:
                out[m["mountPath"]] = files
        return out

    envs = {}
    for name in [f"{s}-service" for s in SERVICES] + ["api-gateway"]:
        _, c = first_container("Deployment", name)
        if c:
            envs[name] = container_env(c)
    dburls, amqp = check_process_urls(envs)

    # The broker's admin password: the broker and the Job rabbitmq-users only.
    admin_pw = secret.get("rabbitmq-password")
    for (kind, name), d in workloads.items():
        if (kind, name) in (("StatefulSet", "rabbitmq"), ("Job", "rabbitmq-users")):
            continue
        for c in template(d)["spec"]["containers"]:
            if any(admin_pw and admin_pw in v for v in container_env(c).values()):
                err(f"{kind}/{name} is given the broker's admin password")
    # No process other than the seven (and the broker) gets an AMQP_URL.
    for (kind, name), d in workloads.items():
        if name not in envs and any("AMQP_URL" in container_env(c) for c in template(d)["spec"]["containers"]):
            err(f"{kind}/{name} has an AMQP_URL but is not one of the broker's processes")

    # PgBouncer: both roles in its userlist, databases routed to the six servers.
    bouncer, bc = first_container("Deployment", "pgbouncer")
    hosts = {}
    if bouncer:
        files = {}
        for v in template(bouncer)["spec"].get("volumes") or []:
            for item in (v.get("secret") or {}).get("items") or []:
                files[item["path"]] = secret.get(item["key"], "")
        check_userlist(files.get("userlist.txt"), dburls, "pgbouncer", "PgBouncer userlist (secret key pgbouncer-userlist)")
        ini = "\n".join("\n".join(f.values()) for f in mounts(bouncer, bc).values())
        hosts = {db: h for db, h in re.findall(r"^\s*(\w+)\s*=\s*host=(\S+)", ini, re.M)}

    # PostgreSQL: each database's init hook (first start) and the Job postgres-roles.
    init = open(os.path.join(ROOT, "deploy/postgres/init-databases.sh")).read()
    for svc in SERVICES:
        d, c = first_container("StatefulSet", f"{svc}-db")
        if not c:
            continue
        hook = mounts(d, c).get("/docker-entrypoint-initdb.d", {})
        if init not in hook.values():
            err(f"StatefulSet/{svc}-db does not run deploy/postgres/init-databases.sh from /docker-entrypoint-initdb.d")
            continue
        script = next(n for n, t in hook.items() if t == init)
        calls = run_recorded(["bash", f"/docker-entrypoint-initdb.d/{script}"], container_env(c), mounts(d, c),
                             f"StatefulSet/{svc}-db init hook")
        roles = db_roles(calls)
        if set(roles) != {f"{svc}_svc", f"{svc}_app"}:
            err(f"StatefulSet/{svc}-db init hook makes roles {sorted(roles)}, expected {svc}_svc and {svc}_app")
        check_db_provisioning({r: (p, f"{svc}-db") for r, (p, _) in roles.items()},
                              {k: v for k, v in dburls.items() if k[0] == svc}, f"StatefulSet/{svc}-db init hook", hosts)
    d, c = first_container("Job", "postgres-roles")
    if c:
        if init not in [t for f in mounts(d, c).values() for t in f.values()]:
            err("Job/postgres-roles does not mount deploy/postgres/init-databases.sh")
        calls = run_recorded((c.get("command") or []) + (c.get("args") or []), container_env(c), mounts(d, c), "Job/postgres-roles")
        check_db_provisioning(db_roles(calls), dburls, "Job/postgres-roles", hosts)

    # RabbitMQ: the Job rabbitmq-users against the management API.
    prov = open(os.path.join(ROOT, "deploy/rabbitmq/provision-users.sh")).read()
    d, c = first_container("Job", "rabbitmq-users")
    if c:
        if prov not in [t for f in mounts(d, c).values() for t in f.values()]:
            err("Job/rabbitmq-users does not mount deploy/rabbitmq/provision-users.sh")
        calls = run_recorded((c.get("command") or []) + (c.get("args") or []), container_env(c), mounts(d, c), "Job/rabbitmq-users")
        check_mq_provisioning(calls, amqp, ("rto", admin_pw), "Job/rabbitmq-users", ("rabbitmq", 15672))
        _, rc = first_container("StatefulSet", "rabbitmq")
        if rc and not any(p.get("containerPort") == 15672 for p in rc.get("ports") or []):
            err("RabbitMQ does not listen on the management port 15672")

    # Network: every connection above is allowed by the NetworkPolicies (both ends).
    policies = [d for d in docs if d["kind"] == "NetworkPolicy" and d["metadata"].get("namespace") == ns]
    services = {d["metadata"]["name"]: d for d in docs if d["kind"] == "Service" and d["metadata"].get("namespace") == ns}

    def labels_of(kind, name):
        d = workloads.get((kind, name))
        return template(d)["metadata"].get("labels", {}) if d else None

    def peer_ok(peers, labels):
        if peers is None:
            return True
        for p in peers:
            if "podSelector" in p and "namespaceSelector" not in p and "ipBlock" not in p and selects(p["podSelector"], labels):
                return True
        return False

    def port_ok(ports, port):
        return ports is None or any(p.get("port") in (None, port) and p.get("protocol", "TCP") == "TCP" for p in ports)

    def allowed(direction, me, other, port):
        key, peer_key = ("egress", "to") if direction == "Egress" else ("ingress", "from")
        def types(p):
            return p["spec"].get("policyTypes") or (["Ingress"] + (["Egress"] if "egress" in p["spec"] else []))
        mine = [p for p in policies if selects(p["spec"].get("podSelector", {}), me) and direction in types(p)]
        if not mine:
            return True
        return any(peer_ok(r.get(peer_key), other) and port_ok(r.get("ports"), port)
                   for p in mine for r in p["spec"].get(key) or [])

    def reach(src, host, port, what):
        # The port of the URL is taken as the pods' port (every Service here maps a port to itself).
        svc = services.get(host)
        if not svc:
            err(f"{what}: no Service {host}")
            return
        dst_labels = [template(d)["metadata"].get("labels", {}) for d in workloads.values()
                      if selects({"matchLabels": svc["spec"].get("selector") or {}}, template(d)["metadata"].get("labels", {}))]
        if not dst_labels:
            err(f"{what}: Service {host} selects no pod")
        for dst in dst_labels:
            if not allowed("Egress", src, dst, port):
                err(f"{what}: egress to {host}:{port} is not allowed by the NetworkPolicies")
            elif not allowed("Ingress", dst, src, port):
                err(f"{what}: ingress to {host}:{port} is not allowed by the NetworkPolicies")

    for (svc, var), u in dburls.items():
        reach(labels_of("Deployment", f"{svc}-service"), u[3], u[4] or 5432, f"{svc}-service {var}")
    for name, u in amqp.items():
        reach(labels_of("Deployment", name), u[3], u[4] or 5672, f"{name} AMQP_URL")
    if bouncer:
        for db, host in hosts.items():
            reach(labels_of("Deployment", "pgbouncer"), host, 5432, f"PgBouncer to {db}")
    if ("Job", "postgres-roles") in workloads:
        for svc in SERVICES:
            reach(labels_of("Job", "postgres-roles"), f"{svc}-db", 5432, "Job/postgres-roles")
    if ("Job", "rabbitmq-users") in workloads:
        api = urlsplit(container_env(c).get("RABBITMQ_API_URL", "")) if c else None
        if api and api.hostname:
            reach(labels_of("Job", "rabbitmq-users"), api.hostname, api.port or 80, "Job/rabbitmq-users management API")
    return len(docs)


MODE, LABEL = sys.argv[1], sys.argv[2]
if MODE == "compose":
    n = compose(sys.argv[3], sys.argv[4] if len(sys.argv) > 4 else None)
elif MODE == "k8s":
    n = k8s(sys.argv[3], sys.argv[4])
else:
    sys.exit("usage: check_credentials.py compose LABEL RENDERED.yaml [USERLIST] | k8s LABEL RENDERED.yaml SECRET.yaml")
errors = list(dict.fromkeys(errors))
for e in errors:
    print(f"check-credentials: {e}", file=sys.stderr)
print(f"check-credentials: {LABEL}: {n} objects; {'FAILED with ' + str(len(errors)) + ' problem(s)' if errors else 'ok'}")
sys.exit(1 if errors else 0)
