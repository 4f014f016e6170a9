"""Schemathesis hook module (SCHEMATHESIS_HOOKS): a check that every secured operation enforces its roles.

DG_FUZZ_ROLE names the role of DG_FUZZ_TOKEN, or is empty when the run sends no valid token. A request that
does not carry exactly that token must get 401; a role missing from the operation's `x-roles` must get 403; a
listed role must get neither. Public operations (no `x-roles`) are not checked, nor 431 answers: node's HTTP
parser rejects an oversized request line or headers before any route or auth runs, so nothing is served. Nor are
requests sent with another method than the operation's (schemathesis probes e.g. TRACE): no route, so 404.
"""

import os
import re

import schemathesis

ROLE = os.environ.get("DG_FUZZ_ROLE", "")
TOKEN = os.environ.get("DG_FUZZ_TOKEN", "")


def _carries_token(authorization: str) -> bool:
    return bool(ROLE and TOKEN) and re.fullmatch(rf"(?i)bearer\s+{re.escape(TOKEN)}\s*", authorization) is not None


@schemathesis.check
def role_enforced(ctx, response, case):
    roles = case.operation.definition.raw.get("x-roles")
    if roles is None or response.status_code == 431 or response.request.method != case.operation.method.upper():
        return None
    status = response.status_code
    authorization = response.request.headers.get("Authorization", "")
    if not _carries_token(authorization):
        expected = "401 (no valid token)"
        ok = status == 401
    elif ROLE in roles:
        expected = f"neither 401 nor 403 (role {ROLE} is allowed)"
        ok = status not in (401, 403)
    else:
        expected = f"403 (role {ROLE} is not in {roles})"
        ok = status == 403
    if not ok:
        raise AssertionError(f"{case.operation.label} answered {status}; expected {expected}")
    return None
