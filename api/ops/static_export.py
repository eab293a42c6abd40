"""Static export: every content response as files, plus an nginx configuration to serve them.

Layout: ``DIR/<locale>/<path><suffix>``, e.g. ``DIR/es/v1/muscles/gluteus-maximus.html``, one file
per content path, representation and locale (responses that need a query, such as
``?variant=ball`` or a page after the first, stay with the app). ``DIR/nginx/fascia.conf`` maps
``Accept`` and ``Accept-Language`` (first preference) or ``?lang=`` onto those files with the same
content types and caching headers as the app. Each file worth compressing has its gzip beside it
(``FILE.gz``), which nginx sends to clients that accept gzip (``gzip_static``).
"""

from __future__ import annotations

import gzip
import re
import sys
from pathlib import Path

from starlette.types import ASGIApp

from api.bundle.store import Store
from api.bundle.urls import PREFIX
from api.edge.response_cache import content_paths
from api.http.codings import worth_compressing
from api.http.headers import VARY_BY_SUFFIX, VARY_NEGOTIATED
from api.http.inprocess import get_all
from api.render import REPRESENTATIONS

NGINX_TEMPLATE = """\
# Fascia static export: include this file inside nginx's `http {{ }}` block.
# Negotiation here is deliberately simple: the first language of Accept-Language (or ?lang=) and
# the first media type of Accept pick the file; the app itself honours q-values.
map $arg_lang $fascia_lang_arg {{
    default "";
{lang_arg_rules}
}}
map $http_accept_language $fascia_lang_header {{
    default {default_locale};
{lang_header_rules}
}}
map $fascia_lang_arg $fascia_locale {{
    "" $fascia_lang_header;
    default $fascia_lang_arg;
}}
map $http_accept $fascia_suffix {{
    default {default_suffix};
{accept_rules}
}}
# Only the language may be asked for by query: the files hold no filtered view, no page after
# the first, no variant and no regional advice, so those are not found here (the app has them).
map $args $fascia_static {{
    default 0;
    "" 1;
    "~^lang=[A-Za-z0-9-]*$" 1;
}}
map $uri $fascia_vary {{
    default "{vary_negotiated}";
    ~\\.({suffix_names})$ "{vary_by_suffix}";
}}

server {{
    listen {listen};
    root {root};
    server_tokens off;
    charset utf-8;
    charset_types text/markdown;  # text/html always gets a charset
    types {{
{types}
    }}
    default_type application/octet-stream;

    location {prefix} {{
        add_header Cache-Control "{cache_control}" always;
        add_header Content-Language $fascia_locale always;
        add_header Vary $fascia_vary always;
        add_header Fascia-Content-Version "{version}" always;
        gzip_static on;  # FILE.gz beside FILE, written by the export, for Accept-Encoding: gzip
        if ($fascia_static = 0) {{
            return 404;
        }}
        try_files /$fascia_locale$uri /$fascia_locale$uri$fascia_suffix =404;
    }}
    location / {{
        return 404;
    }}
}}
"""


BATCH = 256  # requests asked of the app at a time, so memory stays flat at any library size


def export(app: ASGIApp, store: Store, directory: Path, cache_control: str, listen: str) -> int:
    """Write every query-free content response and the nginx configuration; count the files.

    Each file is the app's own answer to the same request, asked in-process. On a terminal a
    progress line is kept up to date on standard error.
    """
    requests = [
        (path, representation, locale)
        for path, query in content_paths(store)
        if not query
        for representation in REPRESENTATIONS
        if representation.exported
        for locale in store.meta.locales
    ]
    progress = sys.stderr.isatty()
    written = 0
    for start in range(0, len(requests), BATCH):
        batch = requests[start : start + BATCH]
        asked = [(path, f"lang={locale}", r.media_type) for path, r, locale in batch]
        for (path, representation, locale), (head, body) in zip(
            batch, get_all(app, asked), strict=True
        ):
            if head["status"] == 406 and representation.partial:
                continue  # a picture of what no diagram shows
            if head["status"] != 200:
                raise RuntimeError(f"exporting {path} ({locale}) answered {head['status']}")
            target = directory / locale / f"{path.lstrip('/')}{representation.suffix}"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(body["body"])
            if worth_compressing(body["body"], representation.media_type):
                target.with_name(target.name + ".gz").write_bytes(
                    gzip.compress(body["body"], compresslevel=9, mtime=0)
                )
            written += 1
        if progress:
            done = start + len(batch)
            print(f"\rexport: {done}/{len(requests)} files", end="", file=sys.stderr, flush=True)
    if progress:
        print(file=sys.stderr)
    config = directory / "nginx" / "fascia.conf"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(nginx_config(store, directory, cache_control, listen))
    return written


def nginx_config(store: Store, directory: Path, cache_control: str, listen: str) -> str:
    meta = store.meta
    others = [locale for locale in meta.locales if locale != meta.default_locale]
    exported = [r for r in REPRESENTATIONS if r.exported]
    return NGINX_TEMPLATE.format(
        lang_arg_rules="\n".join(f'    "~*^{loc}(-|$)" {loc};' for loc in meta.locales),
        lang_header_rules="\n".join(f'    "~*^\\s*{loc}(-|;|,|\\s|$)" {loc};' for loc in others),
        default_locale=meta.default_locale,
        types="\n".join(f"        {r.media_type} {r.suffix.lstrip('.')};" for r in exported),
        default_suffix=exported[0].suffix,
        accept_rules="\n".join(
            f"    ~*^\\s*{re.escape(r.media_type)} {r.suffix};" for r in exported[1:]
        ),
        suffix_names="|".join(r.suffix.lstrip(".") for r in exported),
        vary_negotiated=VARY_NEGOTIATED,
        vary_by_suffix=VARY_BY_SUFFIX,
        listen=listen,
        root=directory.resolve(),
        cache_control=cache_control,
        version=meta.version,
        prefix=PREFIX,
    )
