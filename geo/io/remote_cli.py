"""The ``update-acled`` and ``update-ucdp`` commands of ``python -m geo.io.cli``.

    python -m geo.io.cli update-acled [--dataset NAME] [--country NAME ... | --iso N ...]
                                        [--since YYYY-MM-DD] [--username EMAIL]
                                        [--save-to-keyring] [--page-size N]
    python -m geo.io.cli update-ucdp --version V [--dataset NAME] [--country GW ...]
                                       [--since YYYY-MM-DD] [--save-to-keyring]
                                       [--page-size N]

Credentials: ``$ACLED_USERNAME``/``$ACLED_PASSWORD`` and ``$UCDP_ACCESS_TOKEN``, else the
keyring, else a prompt on a terminal (the password and token are read with ``getpass``,
never echoed). Exit codes: 0 done; 1 nothing fetched (no or refused credentials, a bad
option); 3 the store cannot be written (as for imports); 4 the update stopped midway: the
batches stored before stay stored and the next run continues (the message says why);
130 interrupted (Ctrl-C), likewise.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from geo.io import remote_sources as rs
from geo.io.store import Store
from geo.model.messages import Message

STOPPED = 4


def add_parsers(sub: argparse._SubParsersAction) -> None:
    acled = sub.add_parser(
        "update-acled", help="update a dataset from ACLED's API with your ACLED account"
    )
    acled.add_argument("--dataset", default="acled")
    where = acled.add_mutually_exclusive_group()
    where.add_argument(
        "--country", action="append", default=[], help="an ACLED country name (repeat for several)"
    )
    where.add_argument(
        "--iso",
        action="append",
        default=[],
        help="an ISO 3166 numeric code (repeat; default: 466 854 562)",
    )
    acled.add_argument("--since", help="first event date, YYYY-MM-DD")
    acled.add_argument("--username", help="your ACLED e-mail (else $ACLED_USERNAME)")
    acled.add_argument(
        "--save-to-keyring",
        action="store_true",
        help="save the password typed at the prompt in your keyring",
    )
    acled.add_argument(
        "--page-size",
        type=int,
        default=rs.ACLED_LIMIT,
        help=f"rows per request (default {rs.ACLED_LIMIT})",
    )
    ucdp = sub.add_parser("update-ucdp", help="fetch a UCDP GED version from UCDP's API")
    ucdp.add_argument("--version", required=True, help="GED version, e.g. 25.1 or 25.0.10")
    ucdp.add_argument("--dataset", default="ucdp")
    ucdp.add_argument(
        "--country",
        action="append",
        default=[],
        help="a Gleditsch-Ward code (repeat; default: 432 439 436)",
    )
    ucdp.add_argument("--since", help="first event date, YYYY-MM-DD")
    ucdp.add_argument(
        "--save-to-keyring",
        action="store_true",
        help="save the token typed at the prompt in your keyring",
    )
    ucdp.add_argument(
        "--page-size",
        type=int,
        default=rs.UCDP_PAGE_SIZE,
        help=f"rows per request (default {rs.UCDP_PAGE_SIZE})",
    )


def _say(message: Message) -> None:
    print(message.en, file=sys.stderr, flush=True)


def _progress(step: rs.Step) -> None:
    if step.stage == "fetching":
        of = f" of {step.total_pages}" if step.total_pages else ""
        print(f"page {step.page}{of}: {step.rows} rows fetched, {step.stored} stored", flush=True)
    elif step.stage == "deletions":
        print(f"deleted events: page {step.page} fetched", flush=True)


def _interactive() -> bool:
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def _acled_credentials(
    args: argparse.Namespace, keyring: rs.KeyringState
) -> rs.AcledCredentials | None:
    found = rs.acled_credentials(args.username, keyring=keyring)
    if found or not _interactive():
        return found
    user = (args.username or os.environ.get(rs.ACLED_USERNAME_ENV, "")).strip()
    if not user:
        user = input("ACLED e-mail: ").strip()
    password = rs.Secret(getpass.getpass(f"ACLED password for {user}: "))
    if not user or not password:
        return None
    if args.save_to_keyring and not rs.keyring_set("acled", user, password, keyring):
        _say(rs.keyring_note(keyring) or Message.of("ru_note_keyring_no_backend"))
    return rs.AcledCredentials(user, password, "prompt")


def _ucdp_token(args: argparse.Namespace, keyring: rs.KeyringState) -> rs.Secret | None:
    token = rs.ucdp_token(keyring=keyring)
    if token or not _interactive():
        return token
    token = rs.Secret(getpass.getpass("UCDP access token: "))
    if (
        token
        and args.save_to_keyring
        and not rs.keyring_set("ucdp", rs.UCDP_KEYRING_USER, token, keyring)
    ):
        _say(rs.keyring_note(keyring) or Message.of("ru_note_keyring_no_backend"))
    return token or None


def run(args: argparse.Namespace, store: Store) -> int:
    """Run ``update-acled`` or ``update-ucdp``; print the report as an import's."""
    keyring = rs.keyring_state()
    on_wait = lambda: print(  # noqa: E731
        f"another import, removal or update is running on {store.path}; waiting for it "
        "to finish...",
        file=sys.stderr,
        flush=True,
    )
    try:
        if args.command == "update-acled":
            credentials = _acled_credentials(args, keyring)
            if credentials is None:
                _say(Message.of("ru_err_no_credentials"))
                _say(Message.of("ru_fix_no_credentials"))
                if keyring_note := rs.keyring_note(keyring):
                    _say(keyring_note)
                return 1
            report = rs.update_acled(
                store,
                rs.AcledApi(credentials),
                dataset=args.dataset,
                countries=tuple(args.country),
                isos=tuple(args.iso),
                since=args.since,
                limit=max(1, args.page_size),
                batch_rows=max(1, args.page_size),
                progress=_progress,
                on_wait=on_wait,
            )
        else:
            token = _ucdp_token(args, keyring)
            if token is None:
                _say(Message.of("ru_err_no_token"))
                _say(Message.of("ru_fix_no_token"))
                return 1
            report = rs.update_ucdp(
                store,
                rs.UcdpApi(token),
                args.version,
                dataset=args.dataset,
                countries=tuple(args.country) or rs.AES_GW,
                since=args.since,
                page_size=max(1, args.page_size),
                batch_rows=max(1, args.page_size),
                progress=_progress,
                on_wait=on_wait,
            )
    except KeyboardInterrupt:
        print(
            "interrupted: the batches stored before stay stored (the one being fetched "
            "or checked was not stored); run the same command again to continue",
            file=sys.stderr,
        )
        return 130
    except rs.RemoteError as err:
        print(f"error: {err.what.en}", file=sys.stderr)
        print(err.fix.en, file=sys.stderr)
        if err.report is not None:
            print("\n".join(rs.report_lines(err.report)))
            print(
                f"stopped: {err.report.written} events stored before it stopped stay "
                "stored; run the same command again to continue",
                file=sys.stderr,
            )
            return STOPPED
        return 1
    print("\n".join(rs.report_lines(report)))
    return 0
