"""Static export: the compiled table as files, plus an nginx configuration to serve them.

Layout: ``DIR/<locale>/<path><suffix>``, e.g. ``DIR/es/v1/muscles/gluteus-maximus.html``, one file
per content path, representation and locale (responses that need a query, such as
``?variant=ball``, stay with the app). ``DIR/nginx/fascia.conf`` maps ``Accept`` and
``Accept-Language`` (first preference) or ``?lang=`` onto those files with the same content types
and caching headers as the app.
"""

from __future__ import annotations

from pathlib import Path

from api.compiled import Table
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
    default .json;
    ~*^\\s*text/html .html;
    ~*^\\s*text/markdown .md;
    ~*^\\s*application/ld\\+json .jsonld;
}}
map $uri $fascia_vary {{
    default "Accept, Accept-Language";
    ~\\.(json|jsonld|md|html)$ "Accept-Language";
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

    location /v1 {{
        add_header Cache-Control "{cache_control}" always;
        add_header Content-Language $fascia_locale always;
        add_header Vary $fascia_vary always;
        add_header Fascia-Content-Version "{version}" always;
        try_files /$fascia_locale$uri /$fascia_locale$uri$fascia_suffix =404;
    }}
    location / {{
        return 404;
    }}
}}
"""


def export(table: Table, directory: Path, version: str, cache_control: str, listen: str) -> int:
    """Write every query-free compiled response and the nginx configuration; count the files."""
    count = 0
    for (path, query, media_type, locale), compiled in table.entries.items():
        if query:
            continue
        suffix = next(r.suffix for r in REPRESENTATIONS if r.media_type == media_type)
        target = directory / locale / f"{path.lstrip('/')}{suffix}"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(compiled.body["body"])
        count += 1
    config = directory / "nginx" / "fascia.conf"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(nginx_config(table, directory, version, cache_control, listen))
    return count


def nginx_config(
    table: Table, directory: Path, version: str, cache_control: str, listen: str
) -> str:
    others = [locale for locale in table.locales if locale != table.default_locale]
    return NGINX_TEMPLATE.format(
        lang_arg_rules="\n".join(f'    "~*^{loc}(-|$)" {loc};' for loc in table.locales),
        lang_header_rules="\n".join(f'    "~*^\\s*{loc}(-|;|,|\\s|$)" {loc};' for loc in others),
        default_locale=table.default_locale,
        types="\n".join(f"        {r.media_type} {r.suffix.lstrip('.')};" for r in REPRESENTATIONS),
        listen=listen,
        root=directory.resolve(),
        cache_control=cache_control,
        version=version,
    )
