#!/bin/sh
# postdeploy hook of the azd `silo` service (azure.yaml). azd deploys the silo image to one container app, the one
# tagged azd-service-name: silo (silo 0); every other silo is its own single-replica app (infra/modules/silo.bicep),
# so this rolls the same image to them, one silo at a time, each only after the previous one is ready again: the
# cluster never loses more than one silo to the update. Needs the Azure CLI (`az login`); without it, run
# `azd provision`, which gives every silo app silo 0's image.
set -eu

: "${SERVICE_SILO_IMAGE_NAME:?azd sets the deployed silo image in SERVICE_SILO_IMAGE_NAME}"
: "${AZURE_RESOURCE_GROUP:?run azd provision first}"
: "${SERVICE_SILO_NAME:?run azd provision first (the Orleans topology, CLUSTER_TIER=orleans)}"

if ! command -v az >/dev/null 2>&1; then
  echo "roll-silos: the Azure CLI (az) is not installed; silo apps other than $SERVICE_SILO_NAME keep their image until 'azd provision'." >&2
  exit 0
fi

wait_ready() {
  # Ready when the newest revision is the newest ready one (its readiness probe, /health/ready, passed).
  app=$1
  tries=0
  while :; do
    latest=$(az containerapp show -g "$AZURE_RESOURCE_GROUP" -n "$app" --query properties.latestRevisionName -o tsv)
    ready=$(az containerapp show -g "$AZURE_RESOURCE_GROUP" -n "$app" --query properties.latestReadyRevisionName -o tsv)
    [ "$latest" = "$ready" ] && return 0
    tries=$((tries + 1))
    if [ "$tries" -ge 60 ]; then
      echo "roll-silos: $app revision $latest is not ready after 5 minutes; stopping the roll-out." >&2
      return 1
    fi
    sleep 5
  done
}

wait_ready "$SERVICE_SILO_NAME"
for app in ${SILO_APP_NAMES:-}; do
  [ "$app" = "$SERVICE_SILO_NAME" ] && continue
  echo "roll-silos: $app -> $SERVICE_SILO_IMAGE_NAME"
  az containerapp update -g "$AZURE_RESOURCE_GROUP" -n "$app" --image "$SERVICE_SILO_IMAGE_NAME" --output none
  wait_ready "$app"
done
