#!/bin/sh
# Fascia from the shell: curl, and jq to pick fields out of the JSON.
set -eu
BASE=${1:-http://127.0.0.1:8000}

# 1. A self-test's partner variant, in English and Spanish: the screening questions and the
#    disclaimer first, then each step with its STOP warnings.
for lang in en es; do
  curl -fsS "$BASE/v1/self-tests/muscular-minesweeper?variant=partner&lang=$lang" |
    jq -r --arg lang "$lang" '
      "# \(.name) (\($lang))",
      (.screening[] | "Ask first: \(.question)"),
      (.warnings[] | select(.kind == "disclaimer") | "Disclaimer: \(.title)"),
      (.variants[0].steps[] | "\(.number). \(.title)",
        (.warnings[] | select(.severity == "stop") | "   STOP: \(.title)"))'
done

# 2. Caching: send the ETag back in If-None-Match; while the resource is unchanged the answer is
#    a 304 with no body, and the copy you hold is still good.
url="$BASE/v1/muscles/gluteus-maximus"
headers=$(mktemp)
name=$(curl -fsS -D "$headers" "$url" | jq -r .name)
etag=$(tr -d '\r' <"$headers" | awk 'tolower($1) == "etag:" { print $2 }')
rm -f "$headers"
status=$(curl -sS -o /dev/null -w '%{http_code}' -H "If-None-Match: $etag" "$url")
echo "$status: $name is unchanged since $etag"

# 3. Errors are application/problem+json: `detail` says what was wrong, and fields such as
#    `allowed_values` say what would have worked.
curl -sS "$BASE/v1/self-tests/muscular-minesweeper?variant=tennis-ball" |
  jq -r '"\(.status) \(.title): \(.detail)", "Variants: \(.allowed_values | join(", "))"'
