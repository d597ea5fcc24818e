"""Keeping a local ACLED (and UCDP GED) copy current through the sources' own APIs.

``update_acled`` fetches, with the user's own ACLED account, the events of the chosen
countries and period: everything the first time, afterwards only the rows whose
``timestamp`` (ACLED's last-change time) is newer than the newest one of the last complete
update of that dataset; then the ids ACLED has deleted since, which leave the store.
``update_ucdp`` fetches a UCDP GED version page by page with the user's access token.

Every batch of rows goes through the same reading, mapping and validation as a CSV import
(:func:`geo.io.importers.prepare` on a CSV of exactly the rows received, then
:func:`geo.io.importers.commit`), so the stored events are the ones an import of an export
of the same rows gives, and the report counts the same things (rows fetched, accepted,
new/updated/unchanged/stale, skipped, rejected) plus the deleted events.

Resuming: each batch is stored in one transaction, and only then is the update's
checkpoint (the page to fetch next and the newest timestamp seen) saved in the store file
(:meth:`geo.io.store.Store.set_checkpoint`). A batch that fails stores nothing; batches stored
before stay stored, and the next run continues at the first page not stored (a page stored
twice is harmless: unchanged rows are not written again). The high-water timestamp used by
the next update's ``timestamp`` filter becomes the newest timestamp seen only when a run
has fetched every page (ACLED does not document the order of its pages, so the newest row
of a page says nothing about the rows of the pages not fetched yet), and never later than
an hour before that run started (:func:`high_water`: rows ACLED changes during a run).
A checkpoint is only trusted for the same countries and period and while the dataset is as
the update left it (a removal or a file import into it since means a full fetch again).

Credentials come from the environment (``ACLED_USERNAME``/``ACLED_PASSWORD``,
``UCDP_ACCESS_TOKEN``), from the user's keyring (python ``keyring``, optional: without it,
or without a keyring backend, the environment is used and the user is told), or from a
prompt. They are sent only in the token request's body (ACLED) or a header (UCDP), never
in a URL, and are never written to the store, the read cache, a log, an exception or the
page: they are held as :class:`Secret`, whose text is hidden.

HTTP uses the standard library (``urllib``), with a timeout on every request, bounded
retries with exponential backoff for dropped connections and server errors, and
``Retry-After`` honoured for HTTP 429. The base URLs default to the real services; the
environment variables ``SAHEL_ATLAS_ACLED_URL`` and ``SAHEL_ATLAS_UCDP_URL`` (or the
``base`` parameters) point them elsewhere (the tests' local stand-in server).

Documentation the request and response shapes are based on (read through the project's
stored copies of these pages, checked on 2026-12-02):

- ACLED, "Getting started" (API documentation; OAuth token-based authentication):
  https://acleddata.com/api-documentation/getting-started (stored copy of
  https://acleddata.com/reactivation/api-authentication) - a myACLED account; OAuth token
  for programmatic access; data at https://acleddata.com/api/acled/read.
- ACLED, "Importing data from the ACLED API into PowerBI":
  https://acleddata.com/api-documentation/importing-data-acled-api-powerbi - the token
  request: POST ``oauth/token``, form-encoded ``username``, ``password``,
  ``grant_type=password``, ``client_id=acled``; the response's ``access_token`` sent as
  ``Authorization: Bearer`` to ``api/acled/read``.
- ACLED, "Elements of ACLED's API" (Advanced concepts): response formats
  (``read?_format=json``; JSON carries status, count, last update and ``data``), query
  types (``|`` for several values, ``<field>_where`` operators), limits and pagination
  (``limit``, ``page``), error messages.
  https://acleddata.com/api-documentation/elements-acleds-api
- ACLED, "Deleted endpoint" (20 May 2025, last updated 30 September 2025):
  https://acleddata.com/api-documentation/deleted-endpoint - ``/api/deleted/read``,
  deleted ``event_id_cnty`` values with their ``deleted_timestamp``, same filters and
  pagination as the other endpoints.
- ACLED Knowledge base, "Keeping ACLED data updated":
  https://acleddata.com/knowledge-base/keeping-acled-data-updated - updates overwrite an
  event under the same ``event_id_cnty`` with a new ``timestamp``; deletions must be
  applied from the deleted endpoint.
- acledR (ACLED's R package), "Keeping your dataset up to date":
  https://dtacled.github.io/acledR/articles/acled_update.html - updated events are found
  by requesting rows with a ``timestamp`` after the newest one held locally.
- UCDP API (as published in the OpenAPI description of ucdpapi.pcr.uu.se, stored as
  api-evangelist/uppsala: ``collections/uppsala-gedevents-api.postman_collection.json``,
  "UCDP - The Public BattleDeaths GEDEvents API", ``authentication/uppsala-authentication.yml``
  and ``examples/uppsala-gedevents-example.json``): ``GET /api/gedevents/<version>`` with
  ``pagesize``, ``page`` (from 0), filters ``Country``, ``StartDate``, ``EndDate``; the
  token in the ``x-ucdp-access-token`` header; the response's ``TotalCount``,
  ``TotalPages``, ``PreviousPageUrl``, ``NextPageUrl`` and ``Result`` (GED rows, the
  columns of the GED CSV). UCDP's own page ucdp.uu.se/apidocs was not among the stored
  pages.

Not documented in what I read, handled defensively:

- The token response's fields beyond ``access_token``: ``refresh_token`` and
  ``expires_in`` are used when present (a 401 refreshes once with the refresh token, then
  signs in again with the password; without a refresh token it signs in again directly).
- The ``grant_type=refresh_token`` request (standard OAuth 2: ``refresh_token`` and
  ``client_id``) and ``scope=authenticated`` on the password grant.
- The status codes of a refused login (400 or 401 taken as bad credentials, 403 as no API
  access) and the JSON of an ACLED error (``success: false`` and its messages are shown).
- The order of ACLED's pages (hence the high-water rule above) and whether the last page
  is short: a page with fewer rows than ``limit`` (or none) ends the fetch, and a page
  that repeats the previous one stops it with an error instead of looping.
- The ``timestamp_where``/``deleted_timestamp_where`` operator ``>``: the query types page
  lists the comparison operators; ``>`` is used so that the rows of the last update are
  not fetched again.
- Whether UCDP's ``Country`` filter takes several codes (sent comma-separated): rows of
  other countries that still arrive are skipped, as out of scope. UCDP documents no
  incremental filter and no deletions: an update fetches a version once (resumable), and
  a newer version is a new update.
- 429 ``Retry-After`` (seconds or an HTTP date; capped) and the shape of 5xx answers.

Nothing here imports Streamlit.
"""

from __future__ import annotations

import csv
import http.client
import json
import logging
import os
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

from geo.io import importers
from geo.io.store import DATASET_NAME_RE, RESERVED_DATASETS, Store
from geo.model.events import RowProblem
from geo.model.messages import Message

_log = logging.getLogger(__name__)

ACLED_URL = "https://acleddata.com"
UCDP_URL = "https://ucdpapi.pcr.uu.se"
ACLED_URL_ENV = "SAHEL_ATLAS_ACLED_URL"
UCDP_URL_ENV = "SAHEL_ATLAS_UCDP_URL"
ACLED_USERNAME_ENV = "ACLED_USERNAME"
ACLED_PASSWORD_ENV = "ACLED_PASSWORD"
UCDP_TOKEN_ENV = "UCDP_ACCESS_TOKEN"
KEYRING_SERVICES = {"acled": "sahel-atlas-acled", "ucdp": "sahel-atlas-ucdp"}
UCDP_KEYRING_USER = "access-token"

ACLED_LIMIT = 5000  # rows per page (ACLED's documented default page size)
UCDP_PAGE_SIZE = 1000
BATCH_ROWS = 20_000  # rows stored per transaction (a checkpoint after each)
TIMEOUT = 60.0  # seconds, every request
MAX_PROBLEMS = 1000  # problems kept in a report (the counts are complete)
# The first update of an empty dataset fetches no deletions; the next one asks for those
# since its start minus this margin (the client's clock against the server's).
DELETION_MARGIN = 86_400
RUN_MARGIN = 3_600  # see high_water
AES_ISO = ("466", "854", "562")  # ACLED's iso filter: Mali, Burkina Faso, Niger
AES_GW = ("432", "439", "436")  # UCDP country_id (Gleditsch-Ward): Mali, Burkina Faso, Niger
ACLED_FILE_NAME = "ACLED API"  # the datasets table's file_name of an updated dataset
UCDP_FILE_NAME = "UCDP API"


# --- secrets ------------------------------------------------------------------------------


class Secret:
    """A password or token whose text is never shown by ``str``, ``repr`` or formatting;
    :meth:`reveal` gives it to the one request that needs it."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __bool__(self) -> bool:
        return bool(self._value)

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__

    def __format__(self, _spec: str) -> str:
        return "***"

    def __reduce__(self) -> tuple:  # never pickled (Streamlit's session state, caches)
        raise TypeError("a Secret is not pickled")


@dataclass(frozen=True)
class KeyringState:
    """Whether python ``keyring`` can be used: ``ok``, ``not-installed`` or
    ``no-backend`` (installed, but no keyring on this system: a headless Linux)."""

    kind: str
    module: Any = None
    """The ``keyring`` module when it is usable."""

    @property
    def usable(self) -> bool:
        return self.kind == "ok"


def keyring_state() -> KeyringState:
    try:
        import keyring
    except ImportError:
        return KeyringState("not-installed")
    try:
        backend = keyring.get_keyring()
        priority = float(getattr(backend, "priority", 0))
    except Exception:  # noqa: BLE001 - a broken backend is no backend
        return KeyringState("no-backend")
    name = type(backend).__module__
    if priority <= 0 or name.endswith((".fail", ".null")):
        return KeyringState("no-backend")
    return KeyringState("ok", keyring)


def keyring_get(source: str, user: str, state: KeyringState | None = None) -> Secret | None:
    """The secret saved for ``user`` of ``source`` in the keyring, if any (never raises)."""
    state = state or keyring_state()
    if not state.usable or not user:
        return None
    try:
        value = state.module.get_password(KEYRING_SERVICES[source], user)
    except Exception as err:  # noqa: BLE001 - a locked or broken keyring: as if none
        _log.warning("the keyring could not be read (%s): no saved secret used", type(err).__name__)
        return None
    return Secret(value) if value else None


def keyring_set(source: str, user: str, secret: Secret, state: KeyringState | None = None) -> bool:
    """Save a secret in the keyring; False when there is no usable keyring."""
    state = state or keyring_state()
    if not state.usable or not user or not secret:
        return False
    try:
        state.module.set_password(KEYRING_SERVICES[source], user, secret.reveal())
    except Exception as err:  # noqa: BLE001 - the secret is then kept for this run only
        _log.warning("the keyring could not save the secret (%s)", type(err).__name__)
        return False
    return True


def keyring_note(state: KeyringState) -> Message | None:
    """What the user should know about the keyring (None when it works)."""
    if state.kind == "not-installed":
        return Message.of("ru_note_keyring_missing")
    if state.kind == "no-backend":
        return Message.of("ru_note_keyring_no_backend")
    return None


@dataclass(frozen=True)
class AcledCredentials:
    username: str
    password: Secret
    origin: str  # "environment", "keyring", "prompt" or "form"


def acled_credentials(
    username: str | None = None,
    password: Secret | None = None,
    env: Mapping[str, str] | None = None,
    keyring: KeyringState | None = None,
) -> AcledCredentials | None:
    """The ACLED account to use: the user name given or ``$ACLED_USERNAME``; the password
    given, else ``$ACLED_PASSWORD``, else the keyring's for that user. None when a part is
    missing (the caller asks for it)."""
    env = os.environ if env is None else env
    user = (username or env.get(ACLED_USERNAME_ENV, "")).strip()
    if not user:
        return None
    if password:
        return AcledCredentials(user, password, "form")
    if env.get(ACLED_PASSWORD_ENV):
        return AcledCredentials(user, Secret(env[ACLED_PASSWORD_ENV]), "environment")
    saved = keyring_get("acled", user, keyring)
    if saved:
        return AcledCredentials(user, saved, "keyring")
    return None


def ucdp_token(
    token: Secret | None = None,
    env: Mapping[str, str] | None = None,
    keyring: KeyringState | None = None,
) -> Secret | None:
    """The UCDP access token: the one given, ``$UCDP_ACCESS_TOKEN``, or the keyring's."""
    env = os.environ if env is None else env
    if token:
        return token
    if env.get(UCDP_TOKEN_ENV):
        return Secret(env[UCDP_TOKEN_ENV])
    return keyring_get("ucdp", UCDP_KEYRING_USER, keyring)


# --- errors -------------------------------------------------------------------------------


class RemoteError(Exception):
    """An update that could not go on: what went wrong and what to do, as catalogue
    messages (English for the command line via ``str``; :meth:`texts` in any language).
    ``report`` is what the update had done (stored) before it stopped, when it started."""

    def __init__(self, what: Message, fix: Message, kind: str = "error") -> None:
        self.what, self.fix, self.kind = what, fix, kind
        self.report: UpdateReport | None = None
        super().__init__(f"{what.en} {fix.en}")

    def texts(self, lang: str) -> tuple[str, str]:
        return self.what.text(lang), self.fix.text(lang)


def _host(url: str) -> str:
    return urllib.parse.urlsplit(url).netloc or url


def _reason(err: BaseException) -> str:
    """A short cause of a network failure, without the URL (or anything sent)."""
    if isinstance(err, urllib.error.URLError):
        if not isinstance(err.reason, BaseException):
            return str(err.reason)
        err = err.reason
    if isinstance(err, TimeoutError):  # (socket.timeout is TimeoutError)
        return "timed out"
    if isinstance(err, http.client.IncompleteRead):
        return "connection closed in the middle of the response"
    if isinstance(err, ConnectionError | http.client.RemoteDisconnected):
        return "connection dropped"
    return str(getattr(err, "strerror", None) or type(err).__name__)


# --- HTTP ---------------------------------------------------------------------------------


class _SameHostRedirects(urllib.request.HTTPRedirectHandler):
    """Follow a redirect only to the same scheme and host: urllib would carry the
    ``Authorization`` / token header to any other host a response names."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        old, new = urllib.parse.urlsplit(req.full_url), urllib.parse.urlsplit(newurl)
        if (old.scheme, old.netloc) != (new.scheme, new.netloc):
            return None  # the 3xx is returned to the caller as an HTTP error
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_OPENER = urllib.request.build_opener(_SameHostRedirects())


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes
    headers: Mapping[str, str]


@dataclass
class Http:
    """Requests with a timeout, bounded retries (exponential backoff from ``backoff``
    seconds) for dropped connections, timeouts and 5xx, and ``Retry-After`` for 429."""

    timeout: float = TIMEOUT
    attempts: int = 4  # tries of one request when the connection fails or the server errs
    rate_limit_attempts: int = 6  # tries of one request answered 429
    backoff: float = 2.0
    max_wait: float = 300.0
    sleep: Callable[[float], None] = time.sleep
    user_agent: str = "SahelAtlas/1 (+local dashboard)"

    def send(
        self,
        url: str,
        form: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Response:
        """GET ``url`` (POST with a form-encoded ``form``); HTTP errors other than 429 and
        5xx are returned for the caller to read. Raises :class:`RemoteError`."""
        failures = limited = 0
        body = urllib.parse.urlencode(form).encode("ascii") if form is not None else None
        all_headers = {
            "Accept": "application/json",
            "User-Agent": self.user_agent,
            **(headers or {}),
        }
        if body is not None:
            all_headers["Content-Type"] = "application/x-www-form-urlencoded"
        while True:
            request = urllib.request.Request(
                url, data=body, headers=all_headers, method="POST" if body is not None else "GET"
            )
            try:
                with _OPENER.open(request, timeout=self.timeout) as answer:
                    result = Response(answer.status, answer.read(), dict(answer.headers))
            except urllib.error.HTTPError as err:
                try:
                    content = err.read()
                except (OSError, http.client.HTTPException):
                    content = b""
                result = Response(err.code, content, dict(err.headers or {}))
                err.close()
            except (OSError, http.client.HTTPException) as err:
                failures += 1
                if failures >= self.attempts:
                    raise RemoteError(
                        Message.of(
                            "ru_err_network",
                            host=_host(url),
                            reason=_reason(err),
                            attempts=str(failures),
                        ),
                        Message.of("ru_fix_network"),
                        "network",
                    ) from None
                self.sleep(min(self.backoff * 2 ** (failures - 1), self.max_wait))
                continue
            if result.status == 429:
                limited += 1
                if limited >= self.rate_limit_attempts:
                    raise RemoteError(
                        Message.of("ru_err_rate_limited", host=_host(url), attempts=str(limited)),
                        Message.of("ru_fix_rate_limited"),
                        "rate-limited",
                    )
                self.sleep(
                    retry_after(result.headers, self.backoff * 2 ** (limited - 1), self.max_wait)
                )
                continue
            if result.status in (500, 502, 503, 504):
                failures += 1
                if failures >= self.attempts:
                    raise RemoteError(
                        Message.of("ru_err_http", host=_host(url), status=str(result.status)),
                        Message.of("ru_fix_later"),
                        "server",
                    )
                self.sleep(
                    retry_after(result.headers, self.backoff * 2 ** (failures - 1), self.max_wait)
                )
                continue
            return result


def retry_after(
    headers: Mapping[str, str], default: float, cap: float, now: datetime | None = None
) -> float:
    """Seconds to wait from a ``Retry-After`` header (seconds or an HTTP date), else
    ``default``; never negative, at most ``cap``."""
    value = next((v for k, v in headers.items() if k.lower() == "retry-after"), None)
    wait = default
    if value is not None:
        value = value.strip()
        try:
            wait = float(value)
        except ValueError:
            try:
                moment = parsedate_to_datetime(value)
                if moment.tzinfo is None:
                    moment = moment.replace(tzinfo=UTC)
                wait = (moment - (now or datetime.now(UTC))).total_seconds()
            except (TypeError, ValueError, IndexError):
                wait = default
    return max(0.0, min(wait, cap))


def parse_json(response: Response, url: str) -> object:
    """The JSON of a response, or a :class:`RemoteError` that says where it broke."""
    try:
        return json.loads(response.body.decode("utf-8"))
    except UnicodeDecodeError:
        detail = "not UTF-8 text"
    except json.JSONDecodeError as err:
        detail = f"{err.msg} at line {err.lineno}, column {err.colno}"
    raise RemoteError(
        Message.of("ru_err_malformed", host=_host(url), detail=detail),
        Message.of("ru_fix_malformed"),
        "malformed",
    )


# --- the ACLED API ------------------------------------------------------------------------


class AcledApi:
    """ACLED's API with one account: OAuth password grant, refresh on expiry."""

    def __init__(
        self,
        credentials: AcledCredentials,
        base: str | None = None,
        http_client: Http | None = None,
    ) -> None:
        self.base = (base or os.environ.get(ACLED_URL_ENV) or ACLED_URL).rstrip("/")
        self.http = http_client or Http()
        self._credentials = credentials
        self._access: Secret | None = None
        self._refresh: Secret | None = None
        self._expires: float | None = None

    def __repr__(self) -> str:
        return f"AcledApi({self.base!r}, user={self._credentials.username!r})"

    def _token_request(self, form: dict[str, str]) -> Response:
        return self.http.send(f"{self.base}/oauth/token", form=form)

    def _take_tokens(self, response: Response) -> None:
        url = f"{self.base}/oauth/token"
        payload = parse_json(response, url)
        if not isinstance(payload, dict):
            payload = {}
        access = payload.get("access_token")
        if not isinstance(access, str) or not access:
            raise RemoteError(
                Message.of("ru_err_shape", host=_host(url), field="access_token"),
                Message.of("ru_fix_malformed"),
                "malformed",
            )
        refresh = payload.get("refresh_token")
        self._access = Secret(access)
        self._refresh = Secret(refresh) if isinstance(refresh, str) and refresh else None
        expires = payload.get("expires_in")
        self._expires = (
            time.monotonic() + float(expires) - 30
            if isinstance(expires, int | float) and expires > 0
            else None
        )

    def login(self) -> None:
        """Sign in with the password (OAuth password grant). Bad credentials raise a
        :class:`RemoteError` of kind ``credentials``."""
        response = self._token_request(
            {
                "username": self._credentials.username,
                "password": self._credentials.password.reveal(),
                "grant_type": "password",
                "client_id": "acled",
                "scope": "authenticated",
            }
        )
        if response.status in (400, 401):
            raise RemoteError(
                Message.of("ru_err_bad_credentials", status=str(response.status)),
                Message.of("ru_fix_bad_credentials"),
                "credentials",
            )
        if response.status == 403:
            raise RemoteError(
                Message.of("ru_err_no_access", status="403"),
                Message.of("ru_fix_no_access"),
                "credentials",
            )
        if response.status != 200:
            raise RemoteError(
                Message.of("ru_err_http", host=_host(self.base), status=str(response.status)),
                Message.of("ru_fix_later"),
                "server",
            )
        self._take_tokens(response)

    def _refreshed(self) -> bool:
        """A new access token from the refresh token; False when there is none or it is
        refused (the caller signs in again)."""
        if not self._refresh:
            return False
        response = self._token_request(
            {
                "grant_type": "refresh_token",
                "refresh_token": self._refresh.reveal(),
                "client_id": "acled",
            }
        )
        if response.status != 200:
            self._refresh = None
            return False
        self._take_tokens(response)
        return True

    def _renew(self) -> None:
        if not self._refreshed():
            self.login()

    def get(self, path: str, params: Mapping[str, str | int]) -> dict:
        """One JSON read of ``path`` (e.g. ``/api/acled/read``); its payload, whose
        ``data`` is a list."""
        if self._access is None:
            self.login()
        elif self._expires is not None and time.monotonic() > self._expires:
            self._renew()
        url = f"{self.base}{path}?{urllib.parse.urlencode(params)}"
        response = self._read(url)
        if response.status == 401:  # expired or revoked: refresh once, else sign in again
            self._renew()
            response = self._read(url)
            if response.status == 401:
                raise RemoteError(
                    Message.of("ru_err_token_refused"),
                    Message.of("ru_fix_no_access"),
                    "credentials",
                )
        if response.status == 403:
            raise RemoteError(
                Message.of("ru_err_no_access", status="403"),
                Message.of("ru_fix_no_access"),
                "credentials",
            )
        payload = parse_json(response, url) if response.body else None
        if response.status != 200:
            raise RemoteError(
                Message.of("ru_err_http", host=_host(url), status=str(response.status)),
                Message.of("ru_fix_later"),
                "server",
            )
        if not isinstance(payload, dict):
            raise RemoteError(
                Message.of("ru_err_shape", host=_host(url), field="data"),
                Message.of("ru_fix_malformed"),
                "malformed",
            )
        if payload.get("success") is False:
            raise RemoteError(
                Message.of("ru_err_api", detail=_api_messages(payload)),
                Message.of("ru_fix_api"),
                "api",
            )
        if not isinstance(payload.get("data"), list) or not all(
            isinstance(row, dict) for row in payload["data"]
        ):
            raise RemoteError(
                Message.of("ru_err_shape", host=_host(url), field="data"),
                Message.of("ru_fix_malformed"),
                "malformed",
            )
        return payload

    def _read(self, url: str) -> Response:
        assert self._access is not None
        return self.http.send(url, headers={"Authorization": f"Bearer {self._access.reveal()}"})


def _api_messages(payload: dict) -> str:
    """ACLED's own words about an error (its ``messages`` or ``error``), shortened."""
    parts: list[str] = []
    for key in ("messages", "error", "message"):
        value = payload.get(key)
        if isinstance(value, list):
            parts += [str(v) for v in value]
        elif isinstance(value, dict):
            parts += [str(v) for v in value.values()]
        elif value:
            parts.append(str(value))
    text = "; ".join(parts) or "no details"
    return text[:300]


def acled_query(
    countries: tuple[str, ...] = (), isos: tuple[str, ...] = (), since: str | None = None
) -> dict[str, str]:
    """ACLED filters for countries (names), ISO numeric codes and the first event day."""
    params: dict[str, str] = {}
    if countries:
        params["country"] = "|".join(countries)
    if isos:
        params["iso"] = "|".join(isos)
    if since:
        params["event_date"] = since
        params["event_date_where"] = ">="
    return params


def paged(
    fetch: Callable[[int], list[dict]], first: int, limit: int, host: str
) -> Iterator[tuple[int, list[dict], bool]]:
    """(page, rows, last) from ``first`` on; a page with fewer than ``limit`` rows is the
    last. A page identical to the one before stops with an error (a server that ignores
    ``page`` would otherwise be fetched for ever)."""
    page, previous = first, None
    while True:
        rows = fetch(page)
        if rows and rows == previous:
            raise RemoteError(
                Message.of("ru_err_repeating", host=host, page=str(page)),
                Message.of("ru_fix_malformed"),
                "malformed",
            )
        last = len(rows) < limit
        yield page, rows, last
        if last:
            return
        previous = rows
        page += 1


# --- the UCDP API -------------------------------------------------------------------------


class UcdpApi:
    """UCDP's API (GED events) with an access token."""

    def __init__(
        self, token: Secret, base: str | None = None, http_client: Http | None = None
    ) -> None:
        self.base = (base or os.environ.get(UCDP_URL_ENV) or UCDP_URL).rstrip("/")
        self.http = http_client or Http()
        self._token = token

    def __repr__(self) -> str:
        return f"UcdpApi({self.base!r})"

    def get(self, version: str, params: Mapping[str, str | int]) -> dict:
        url = (
            f"{self.base}/api/gedevents/{urllib.parse.quote(version, safe='.')}?"
            f"{urllib.parse.urlencode(params)}"
        )
        response = self.http.send(url, headers={"x-ucdp-access-token": self._token.reveal()})
        if response.status in (401, 403):
            raise RemoteError(
                Message.of("ru_err_bad_token", status=str(response.status)),
                Message.of("ru_fix_bad_token"),
                "credentials",
            )
        if response.status == 404:
            raise RemoteError(
                Message.of("ru_err_ucdp_version", version=version),
                Message.of("ru_fix_ucdp_version"),
                "api",
            )
        if response.status != 200:
            raise RemoteError(
                Message.of("ru_err_http", host=_host(url), status=str(response.status)),
                Message.of("ru_fix_later"),
                "server",
            )
        payload = parse_json(response, url)
        if (
            not isinstance(payload, dict)
            or not isinstance(payload.get("Result"), list)
            or not all(isinstance(r, dict) for r in payload["Result"])
        ):
            raise RemoteError(
                Message.of("ru_err_shape", host=_host(url), field="Result"),
                Message.of("ru_fix_malformed"),
                "malformed",
            )
        return payload


# --- rows -> an import --------------------------------------------------------------------


def cell_text(value: object) -> str:
    """A JSON value as an export's CSV cell: text as it is, numbers as written, booleans
    1/0 (UCDP's CSV), null empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return repr(value)  # the shortest text that reads back as the same number
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def write_rows_csv(rows: list[dict], path: Path) -> None:
    """The rows as a CSV export: one column per field, in the order first seen."""
    columns: dict[str, None] = {}
    for row in rows:
        columns.update(dict.fromkeys(row))
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(list(columns))
        for row in rows:
            writer.writerow([cell_text(row.get(c)) for c in columns])


# --- reports ------------------------------------------------------------------------------


@dataclass
class UpdateReport:
    """What an update fetched and stored, counted as an import's report."""

    source: str  # "acled" or "ucdp"
    dataset: str
    full: bool = True  # everything fetched, not only rows changed since the last update
    since: int | None = None  # the timestamp filter's lower bound (ACLED)
    resumed_page: int = 0  # the page an interrupted update continued from (0: none)
    first_page: int = 1
    pages: int = 0
    total_pages: int | None = None
    fetched: int = 0
    accepted: int = 0
    statuses: Counter[str] = field(default_factory=Counter)  # new, update, unchanged, stale
    skipped: Counter[str] = field(default_factory=Counter)
    rejected: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    written: int = 0
    deletions_fetched: int = 0
    deleted: int = 0
    complete: bool = False
    notes: list[Message] = field(default_factory=list)

    @property
    def skipped_rows(self) -> int:
        return sum(self.skipped.values())

    def add(self, plan: importers.ImportPlan, offset: int) -> None:
        self.accepted += plan.accepted
        self.statuses.update(plan.status.tolist())
        self.skipped.update(plan.skipped)
        self.rejected += len(plan.rejected)
        room = MAX_PROBLEMS - len(self.problems)
        for p in plan.problems[: max(room, 0)]:
            # Rows numbered through the whole download (2 = the first row, as in a file).
            self.problems.append(
                RowProblem(p.file, p.row + offset, p.column, p.reason, p.rejected, p.message)
            )


@dataclass(frozen=True)
class Step:
    """Progress: ``stage`` is ``fetching``, ``storing``, ``deletions`` or ``done``."""

    stage: str
    page: int
    pages: int  # pages fetched so far in this run
    rows: int  # rows fetched so far in this run
    total_pages: int | None = None
    stored: int = 0

    @property
    def fraction(self) -> float:
        """Done so far, 0-1 (without a known page count: creeping towards 1)."""
        if self.stage == "done":
            return 1.0
        if self.total_pages:
            return min(1.0, self.pages / self.total_pages)
        return self.pages / (self.pages + 1) * 0.95


Progress = Callable[[Step], None]


def report_lines(report: UpdateReport, max_problems: int = 30) -> list[str]:
    """The report for the command line (English), as an import's."""
    counts = report.statuses
    lines = [
        f"source: {report.source.upper()} API, dataset {report.dataset}"
        + (
            " (everything fetched)"
            if report.full
            else f" (rows changed after timestamp {report.since})"
        ),
        f"pages fetched: {report.pages}"
        + (f" (continued from page {report.resumed_page})" if report.resumed_page else ""),
        f"rows fetched: {report.fetched}",
        f"accepted: {report.accepted} (new {counts['new']}, updates {counts['update']},"
        f" unchanged {counts['unchanged']}, older than stored {counts['stale']})",
        f"rejected: {report.rejected}",
    ]
    if report.skipped:
        lines.append(
            f"skipped: {report.skipped_rows} (out of the atlas' scope, not errors: "
            + ", ".join(f"{label} {n}" for label, n in report.skipped.items())
            + ")"
        )
    lines.append(f"stored: {report.written} events")
    if report.source == "acled":
        lines.append(
            f"deleted by ACLED: {report.deletions_fetched} ids fetched, "
            f"{report.deleted} events removed from the store"
        )
    for p in report.problems[:max_problems]:
        lines.append(f"  row {p.row} [{p.column}] {p.reason}")
    if len(report.problems) > max_problems:
        lines.append(f"  ... {len(report.problems) - max_problems} more problems")
    for note in report.notes:
        lines.append(f"note: {note.en}")
    return lines


# --- checkpoints --------------------------------------------------------------------------


def checkpoint_key(source: str, dataset: str) -> str:
    return f"{source}:{dataset}"


def dataset_identity(store: Store, dataset: str) -> list[str] | None:
    """What says whether a dataset is as an update left it: its format and the time of
    its last write (an import or a removal changes it). None: not in the store."""
    for d in store.datasets():
        if d.name == dataset:
            return [d.format, d.imported_at]
    return None


def load_checkpoint(store: Store, key: str) -> dict | None:
    text = store.checkpoint(key)
    if not text:
        return None
    try:
        state = json.loads(text)
    except json.JSONDecodeError:
        return None
    return state if isinstance(state, dict) and state.get("v") == 1 else None


def save_checkpoint(store: Store, key: str, state: dict) -> None:
    state = {**state, "v": 1, "saved_at": datetime.now(UTC).isoformat(timespec="seconds")}
    store.set_checkpoint(key, json.dumps(state, sort_keys=True))


def high_water(newest: int, started: int, previous: int | None) -> int | None:
    """The ``timestamp`` the next update fetches rows after: the newest row of a complete
    run, but never later than the run's start minus :data:`RUN_MARGIN`. A row changed by
    ACLED while the run went through the pages may sit on a page already fetched, with an
    older timestamp than a row changed later on a page fetched after: starting the next
    update at the newest row would miss it. (The rows of that margin are fetched again;
    unchanged, they are not written again.)"""
    value = max(min(newest, started - RUN_MARGIN), previous or 0)
    return value or None


def _check_dataset(name: str) -> str:
    name = (name or "").strip().lower()
    if not DATASET_NAME_RE.match(name) or name in RESERVED_DATASETS:
        raise RemoteError(
            Message.of("ru_err_dataset", value=repr(name)), Message.of("ru_fix_dataset"), "usage"
        )
    return name


def _stamp(value: object) -> int:
    try:
        return int(float(str(value).strip()))
    except (TypeError, ValueError):
        return 0


def _store_batch(
    store: Store,
    rows: list[dict],
    fmt: str,
    dataset: str,
    file_name: str,
    version: str | None,
    report: UpdateReport,
    today: date | None,
    offset: int,
) -> None:
    """Validate and store one batch exactly as an import of a CSV of these rows; nothing
    of it is stored if anything fails. ``offset``: rows of this run before the batch (the
    report numbers rows through the whole download)."""
    with tempfile.TemporaryDirectory(prefix="sahel-atlas-update-") as tmp:
        path = Path(tmp) / "rows.csv"
        write_rows_csv(rows, path)
        try:
            plan = importers.prepare(
                path,
                fmt=fmt,
                dataset=dataset,
                version=version,
                store=store,
                file_name=file_name,
                today=today,
            )
        except importers.ImportFileError as err:
            raise RemoteError(
                Message.of("ru_err_rows", source=fmt.upper(), detail=err.what),
                Message.of("ru_fix_malformed"),
                "malformed",
            ) from None
    report.add(plan, offset)
    if len(plan.to_write):
        report.written += importers.commit(plan, store)


# --- ACLED update -------------------------------------------------------------------------


def update_acled(
    store: Store,
    api: AcledApi,
    dataset: str = "acled",
    countries: tuple[str, ...] = (),
    isos: tuple[str, ...] = (),
    since: str | None = None,
    limit: int = ACLED_LIMIT,
    batch_rows: int = BATCH_ROWS,
    progress: Progress | None = None,
    on_wait: Callable[[], None] | None = None,
    today: date | None = None,
) -> UpdateReport:
    """Bring dataset ``dataset`` up to date with ACLED (see the module's docstring).

    ``countries``/``isos``: ACLED's ``country`` names / ``iso`` numeric codes (neither:
    the AES states); ``since``: the first event day (YYYY-MM-DD). Raises
    :class:`RemoteError` (its ``report`` says what was stored before it stopped).
    """
    dataset = _check_dataset(dataset)
    if since is not None:
        try:
            date.fromisoformat(since)
        except ValueError:
            raise RemoteError(
                Message.of("ru_err_since", value=repr(since)), Message.of("ru_fix_since"), "usage"
            ) from None
    if not countries and not isos:
        isos = AES_ISO
    filters = {"country": sorted(countries), "iso": sorted(isos), "since": since}
    store.require_readable()
    api.login()  # bad credentials: nothing fetched, nothing stored
    report = UpdateReport("acled", dataset)
    key = checkpoint_key("acled", dataset)
    with store.import_lock(on_wait=on_wait):
        try:
            _acled_run(
                store, api, dataset, filters, key, limit, batch_rows, progress, report, today
            )
        except RemoteError as err:
            err.report = report
            raise
    return report


def _trusted_state(
    store: Store, key: str, filters: dict, dataset: str, report: UpdateReport
) -> tuple[dict, list[str] | None]:
    """The checkpoint when it still describes this dataset and these filters, else a
    fresh one (with a note saying why everything is fetched)."""
    identity = dataset_identity(store, dataset)
    state = load_checkpoint(store, key)
    fresh = {
        "filters": filters,
        "since": None,
        "deleted_since": None,
        "run": None,
        "identity": identity,
    }
    if state is None:
        report.notes.append(Message.of("ru_note_first", name=dataset))
        return fresh, identity
    if state.get("filters") != filters:
        report.notes.append(Message.of("ru_note_filters_changed"))
        return fresh, identity
    if state.get("identity") != identity:
        report.notes.append(Message.of("ru_note_dataset_changed", name=dataset))
        return fresh, identity
    return state, identity


def _acled_run(
    store: Store,
    api: AcledApi,
    dataset: str,
    filters: dict,
    key: str,
    limit: int,
    batch_rows: int,
    progress: Progress | None,
    report: UpdateReport,
    today: date | None,
) -> None:
    state, identity = _trusted_state(store, key, filters, dataset, report)
    # (kept in the run: a resumed first update still counts as one of an empty dataset)
    run = state.get("run") or {
        "since": state.get("since"),
        "next_page": 1,
        "max_ts": state.get("since") or 0,
        "started": int(time.time()),
        "had_events": identity is not None,
    }
    if state.get("run"):
        report.resumed_page = int(run["next_page"])
        report.notes.append(Message.of("ru_note_resumed", page=str(run["next_page"])))
    report.since = run["since"]
    report.full = run["since"] is None
    if not report.full:
        moment = datetime.fromtimestamp(int(run["since"]), UTC).strftime("%Y-%m-%d %H:%M UTC")
        report.notes.append(Message.of("ru_note_since", moment=moment))
    params = acled_query(tuple(filters["country"]), tuple(filters["iso"]), filters["since"])
    params["_format"] = "json"
    if run["since"] is not None:
        params["timestamp"] = str(run["since"])
        params["timestamp_where"] = ">"
    first = int(run["next_page"])
    report.first_page = first

    def fetch(page: int) -> list[dict]:
        return api.get("/api/acled/read", {**params, "limit": limit, "page": page})["data"]

    batch: list[dict] = []
    for page, rows, last in paged(fetch, first, limit, _host(api.base)):
        report.pages += 1
        report.fetched += len(rows)
        batch += rows
        if progress:
            progress(Step("fetching", page, report.pages, report.fetched, stored=report.written))
        if len(batch) >= batch_rows or last:
            if batch:
                if progress:
                    progress(
                        Step("storing", page, report.pages, report.fetched, stored=report.written)
                    )
                _store_batch(
                    store,
                    batch,
                    "acled",
                    dataset,
                    ACLED_FILE_NAME,
                    None,
                    report,
                    today,
                    report.fetched - len(batch),
                )
            run["max_ts"] = max(
                [int(run["max_ts"] or 0), *(_stamp(r.get("timestamp")) for r in batch)]
            )
            run["next_page"] = page + 1
            batch = []
            state["identity"] = dataset_identity(store, dataset)
            state["run"] = None if last else run
            if last:  # every page fetched: the next update starts after the newest row
                state["since"] = high_water(
                    int(run["max_ts"] or 0), int(run["started"]), state.get("since")
                )
            save_checkpoint(store, key, state)
    # Deletions: since the last ones applied; a first update of an empty dataset has none.
    deleted_since = state.get("deleted_since")
    if deleted_since is None and run.get("had_events"):
        stamps = store.versions()
        mine = stamps[stamps["dataset"] == dataset]["timestamp"]
        deleted_since = int(mine.min()) if len(mine) else None
    if deleted_since is not None:
        _acled_deletions(store, api, dataset, int(deleted_since), limit, progress, report, state)
    else:
        state["deleted_since"] = int(run["started"]) - DELETION_MARGIN
    state["identity"] = dataset_identity(store, dataset)
    save_checkpoint(store, key, state)
    report.complete = True
    if progress:
        progress(Step("done", report.pages, report.pages, report.fetched, stored=report.written))


def _acled_deletions(
    store: Store,
    api: AcledApi,
    dataset: str,
    since: int,
    limit: int,
    progress: Progress | None,
    report: UpdateReport,
    state: dict,
) -> None:
    params = {"_format": "json", "deleted_timestamp": str(since), "deleted_timestamp_where": ">"}
    ids: list[str] = []
    stamps: list[int] = []

    def fetch(page: int) -> list[dict]:
        return api.get("/api/deleted/read", {**params, "limit": limit, "page": page})["data"]

    for page, rows, _last in paged(fetch, 1, limit, _host(api.base)):
        for row in rows:
            ident = str(row.get("event_id_cnty") or "").strip()
            if ident:
                ids.append(f"acled:{ident}")
                stamps.append(_stamp(row.get("deleted_timestamp")))
        if progress:
            progress(Step("deletions", page, report.pages, report.fetched, stored=report.written))
    report.deletions_fetched = len(ids)
    # A deletion without a time is applied whatever the stored event's time.
    deleted_at = [t if t > 0 else 2**62 for t in stamps]
    report.deleted = store.delete_events(dataset, ids, deleted_at) if ids else 0
    state["deleted_since"] = max([since, *(t for t in stamps if t > 0)])


# --- UCDP update --------------------------------------------------------------------------


def update_ucdp(
    store: Store,
    api: UcdpApi,
    version: str,
    dataset: str = "ucdp",
    countries: tuple[str, ...] = AES_GW,
    since: str | None = None,
    page_size: int = UCDP_PAGE_SIZE,
    batch_rows: int = BATCH_ROWS,
    progress: Progress | None = None,
    on_wait: Callable[[], None] | None = None,
    today: date | None = None,
) -> UpdateReport:
    """Fetch UCDP GED ``version`` for ``countries`` (Gleditsch-Ward codes) into
    ``dataset``, resumable page by page. UCDP has no incremental filter or deletion list:
    a version fetched completely is not fetched again."""
    dataset = _check_dataset(dataset)
    version = (version or "").strip()
    if not version or not all(part.isdigit() for part in version.split(".")):
        raise RemoteError(
            Message.of("ru_err_ucdp_version", version=repr(version)),
            Message.of("ru_fix_ucdp_version"),
            "usage",
        )
    if since is not None:
        try:
            date.fromisoformat(since)
        except ValueError:
            raise RemoteError(
                Message.of("ru_err_since", value=repr(since)), Message.of("ru_fix_since"), "usage"
            ) from None
    countries = tuple(sorted({c.strip() for c in countries if c.strip()})) or AES_GW
    filters = {"version": version, "country": list(countries), "since": since}
    store.require_readable()
    report = UpdateReport("ucdp", dataset)
    report.notes.append(Message.of("ru_note_ucdp_no_deletions"))
    key = checkpoint_key("ucdp", dataset)
    with store.import_lock(on_wait=on_wait):
        try:
            _ucdp_run(
                store, api, dataset, filters, key, page_size, batch_rows, progress, report, today
            )
        except RemoteError as err:
            err.report = report
            raise
    return report


def _ucdp_run(
    store: Store,
    api: UcdpApi,
    dataset: str,
    filters: dict,
    key: str,
    page_size: int,
    batch_rows: int,
    progress: Progress | None,
    report: UpdateReport,
    today: date | None,
) -> None:
    state, _ = _trusted_state(store, key, filters, dataset, report)
    if state.get("done"):
        report.notes.append(
            Message.of("ru_note_ucdp_done", version=filters["version"], name=dataset)
        )
        report.complete = True
        report.full = False
        if progress:
            progress(Step("done", 0, 0, 0))
        return
    run = state.get("run") or {"next_page": 0}
    if state.get("run"):
        report.resumed_page = int(run["next_page"])
        report.notes.append(Message.of("ru_note_resumed", page=str(run["next_page"])))
    wanted = set(filters["country"])
    params: dict[str, str | int] = {"pagesize": page_size, "Country": ",".join(filters["country"])}
    if filters["since"]:
        params["StartDate"] = filters["since"]
    page = int(run["next_page"])
    report.first_page = page
    batch: list[dict] = []
    kept = 0  # rows of the chosen countries stored by this run before the batch
    previous = None
    while True:
        payload = api.get(filters["version"], {**params, "page": page})
        rows = payload["Result"]
        if rows and rows == previous:
            raise RemoteError(
                Message.of("ru_err_repeating", host=_host(api.base), page=str(page)),
                Message.of("ru_fix_malformed"),
                "malformed",
            )
        previous = rows
        total = payload.get("TotalPages")
        report.total_pages = total if isinstance(total, int) and total >= 0 else None
        last = (
            not rows
            or not payload.get("NextPageUrl")
            or (report.total_pages is not None and page + 1 >= report.total_pages)
        )
        report.pages += 1
        report.fetched += len(rows)
        # Rows of other countries (a filter the server did not apply) are out of scope.
        outside = [r for r in rows if cell_text(r.get("country_id")) not in wanted]
        if outside:
            report.skipped["outside the chosen countries"] += len(outside)
        batch += [r for r in rows if cell_text(r.get("country_id")) in wanted]
        if progress:
            progress(
                Step(
                    "fetching",
                    page,
                    report.pages,
                    report.fetched,
                    total_pages=report.total_pages,
                    stored=report.written,
                )
            )
        if len(batch) >= batch_rows or last:
            if batch:
                if progress:
                    progress(
                        Step(
                            "storing",
                            page,
                            report.pages,
                            report.fetched,
                            total_pages=report.total_pages,
                            stored=report.written,
                        )
                    )
                _store_batch(
                    store,
                    batch,
                    "ucdp",
                    dataset,
                    UCDP_FILE_NAME,
                    filters["version"],
                    report,
                    today,
                    kept,
                )
                kept += len(batch)
            batch = []
            run["next_page"] = page + 1
            state["identity"] = dataset_identity(store, dataset)
            state["run"] = None if last else run
            state["done"] = bool(last)
            save_checkpoint(store, key, state)
        if last:
            break
        page += 1
    report.complete = True
    if progress:
        progress(
            Step(
                "done",
                page,
                report.pages,
                report.fetched,
                total_pages=report.total_pages,
                stored=report.written,
            )
        )
