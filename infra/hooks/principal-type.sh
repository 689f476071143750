#!/bin/sh
# azd preprovision hook: tells main.bicep what kind of principal AZURE_PRINCIPAL_ID is (main.parameters.json passes
# AZURE_PRINCIPAL_TYPE), since a role assignment whose principalType does not match fails (UnmatchedPrincipalType).
# azd signs in as a user or as a service principal (CI); it does not say which, the access token does: app-only
# tokens carry idtyp=app and no scp claim.
#
#   principal-type.sh                 as the hook: sets AZURE_PRINCIPAL_TYPE unless the environment already has one
#   principal-type.sh --token JWT     prints User or ServicePrincipal for that access token
set -eu

type_of_token() {
  payload=$(printf '%s' "$1" | cut -d. -f2 | tr '_-' '/+')
  case $(( ${#payload} % 4 )) in
    2) payload="$payload==" ;;
    3) payload="$payload=" ;;
  esac
  claims=$(printf '%s' "$payload" | base64 -d 2>/dev/null | tr -d ' \n') || claims=""
  case $claims in
    '{'*'}') ;;
    *) echo User; return ;; # not a token we can read: the old default
  esac
  if printf '%s' "$claims" | grep -q '"idtyp":"app"'; then
    echo ServicePrincipal
  elif printf '%s' "$claims" | grep -q '"scp":'; then
    echo User
  else
    echo ServicePrincipal
  fi
}

if [ "${1:-}" = "--token" ]; then
  type_of_token "${2:-}"
  exit 0
fi

if [ -n "${AZURE_PRINCIPAL_TYPE:-}" ]; then
  exit 0
fi

token=$(azd auth token --output json --no-prompt 2>/dev/null | sed -n 's/.*"token"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p') || token=""
type=User
if [ -n "$token" ]; then
  type=$(type_of_token "$token")
fi
echo "AZURE_PRINCIPAL_TYPE=$type (set it with 'azd env set AZURE_PRINCIPAL_TYPE <User|Group|ServicePrincipal>' to override)"
azd env set AZURE_PRINCIPAL_TYPE "$type"
