#!/bin/sh
# Creates (or updates) the platform API's Microsoft Entra ID app registration with the platform's app roles, and
# stores its client id as AUTH_AUDIENCE in the azd environment, which main.parameters.json passes to main.bicep
# (Auth__Audience). Bicep cannot create app registrations without the Microsoft Graph extension, which needs a
# registry download at build time; this script uses the Azure CLI instead. Run it once per environment, before
# `azd provision`, signed in (`az login`) with rights to register applications:
#
#   ./infra/hooks/entra-app.sh [DISPLAY_NAME]      default: serverless-mlops-$AZURE_ENV_NAME
#
# Then assign roles in Entra ID (Enterprise applications > the app > Users and groups, or for service principals
# `az rest` on appRoleAssignedTo), and get tokens for the API with scope api://<client id>/.default.
set -eu

name=${1:-serverless-mlops-${AZURE_ENV_NAME:-dev}}

# The platform's roles (Serverless.Core.Governance.PlatformRoles); ids are fixed so reruns update, never duplicate.
roles=$(cat <<'JSON'
[
  {"allowedMemberTypes": ["User", "Application"], "value": "consumer", "displayName": "Consumer", "description": "Asks for predictions.", "isEnabled": true, "id": "0c1b5f6e-7a51-4e2a-9d1b-1f0c6a1d0001"},
  {"allowedMemberTypes": ["User", "Application"], "value": "data-scientist", "displayName": "Data scientist", "description": "Registers versions, puts specs and datasets, starts retraining.", "isEnabled": true, "id": "0c1b5f6e-7a51-4e2a-9d1b-1f0c6a1d0002"},
  {"allowedMemberTypes": ["User", "Application"], "value": "operator", "displayName": "Operator", "description": "Promotes, rolls back, sets canaries and shadows, runs batches, terminates retraining.", "isEnabled": true, "id": "0c1b5f6e-7a51-4e2a-9d1b-1f0c6a1d0003"},
  {"allowedMemberTypes": ["User", "Application"], "value": "approver", "displayName": "Approver", "description": "Approves or rejects candidates.", "isEnabled": true, "id": "0c1b5f6e-7a51-4e2a-9d1b-1f0c6a1d0004"},
  {"allowedMemberTypes": ["User", "Application"], "value": "auditor", "displayName": "Auditor", "description": "Reads the audit log, monitoring samples and lineage.", "isEnabled": true, "id": "0c1b5f6e-7a51-4e2a-9d1b-1f0c6a1d0005"}
]
JSON
)

roles_file=$(mktemp)
trap 'rm -f "$roles_file"' EXIT
printf '%s\n' "$roles" > "$roles_file"

app_id=$(az ad app list --display-name "$name" --query '[0].appId' -o tsv)
if [ -z "$app_id" ]; then
  app_id=$(az ad app create --display-name "$name" --sign-in-audience AzureADMyOrg --app-roles "@$roles_file" --query appId -o tsv)
  echo "==> created app registration '$name' ($app_id)"
else
  az ad app update --id "$app_id" --app-roles "@$roles_file"
  echo "==> updated the app roles of '$name' ($app_id)"
fi

# v2.0 access tokens: issuer https://login.microsoftonline.com/<tenant>/v2.0 (main.bicep's default), audience the client id.
az ad app update --id "$app_id" --identifier-uris "api://$app_id" --set api.requestedAccessTokenVersion=2
az ad sp show --id "$app_id" >/dev/null 2>&1 || az ad sp create --id "$app_id" >/dev/null

if command -v azd >/dev/null 2>&1; then
  azd env set AUTH_AUDIENCE "$app_id"
  echo "==> AUTH_AUDIENCE=$app_id set in the azd environment; run azd provision"
else
  echo "==> pass authAudience=$app_id to infra/main.bicep"
fi
