#!/bin/sh
# Entry point of the alertmanager service in docker-compose.yml: picks the
# config by whether a PagerDuty routing key was given, and keeps the key out of
# every config file (Alertmanager 0.25 reads it from routing_key_file).
set -eu
config=/etc/alertmanager/alertmanager.yml
if [ -n "${PAGERDUTY_ROUTING_KEY:-}" ]; then
  umask 077
  printf '%s' "$PAGERDUTY_ROUTING_KEY" > /alertmanager/pagerduty-routing-key
  config=/etc/alertmanager/alertmanager.pagerduty.yml
  echo "alertmanager: PAGERDUTY_ROUTING_KEY is set; critical and error alerts also page PagerDuty"
fi
exec /bin/alertmanager --config.file="$config" --storage.path=/alertmanager "$@"
