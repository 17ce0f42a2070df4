#!/usr/bin/env bash
# Starts the image euterpe:local as compose does (read-only, no privileges)
# against the database in DATABASE_URL (withdb makes a migrated one) and
# waits for `euterpe healthcheck` inside it to pass. make image-check runs it
# where a Docker daemon is available.
set -euo pipefail
port=${IMAGE_CHECK_PORT:-18080}
name=euterpe-image-check-$$
docker run -d --name "$name" --network host --read-only --cap-drop ALL --security-opt no-new-privileges:true \
  -e DATABASE_URL -e PORT="$port" -e SECRET_KEY="$(openssl rand -hex 32)" \
  -e ENCRYPTION_KEY="$(docker run --rm euterpe:local keygen)" \
  -e SPOTIFY_CLIENT_ID=image-check -e SPOTIFY_REDIRECT_URI="http://127.0.0.1:$port/callback" \
  euterpe:local serve >/dev/null
trap 'docker rm -f "$name" >/dev/null' EXIT
for _ in $(seq 1 60); do
  if docker exec -e PORT="$port" "$name" /euterpe healthcheck >/dev/null 2>&1; then
    echo "image-check: euterpe:local serves and is healthy"
    exit 0
  fi
  sleep 1
done
echo "image-check: the container never became healthy; its log:"
docker logs "$name" 2>&1 | tail -40
exit 1
