#!/usr/bin/env bash
# Reads named outputs of an ARM deployment and prints them as KEY=VALUE lines (for $GITHUB_OUTPUT).
#
#   deployment-outputs.sh OUTPUTS_JSON KEY=OUTPUT_NAME...
#
# OUTPUTS_JSON holds `az deployment ... show --query properties.outputs`. Output names are matched ignoring case:
# ARM does not reliably keep the case the template gave them. A missing, null or empty output fails the whole call
# (exit 1, nothing printed), naming every missing output, so that nothing later deploys to a group named "null".
set -euo pipefail

if [[ $# -lt 2 ]]; then
  echo "usage: $0 OUTPUTS_JSON KEY=OUTPUT_NAME..." >&2
  exit 2
fi

file=$1
shift
if ! outputs=$(jq -c '. // {}' "$file"); then
  echo "error: $file is not JSON deployment outputs" >&2
  exit 1
fi

lines=()
missing=()
for pair in "$@"; do
  key=${pair%%=*}
  name=${pair#*=}
  if [[ -z $key || -z $name || $key == "$pair" ]]; then
    echo "usage: $0 OUTPUTS_JSON KEY=OUTPUT_NAME... (got '$pair')" >&2
    exit 2
  fi
  value=$(jq -r --arg name "$name" \
    '[to_entries[] | select((.key | ascii_downcase) == ($name | ascii_downcase)) | .value.value] | first // empty' <<<"$outputs")
  if [[ -z $value ]]; then
    missing+=("$name")
  else
    lines+=("$key=$value")
  fi
done

if [[ ${#missing[@]} -gt 0 ]]; then
  present=$(jq -r 'keys | join(", ")' <<<"$outputs")
  echo "error: the deployment has no value for output(s) ${missing[*]} (names compared ignoring case); it has: ${present:-none}" >&2
  exit 1
fi

printf '%s\n' "${lines[@]}"
