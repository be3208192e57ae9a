#!/usr/bin/env bash
# Entrypoint of shallot's PostgreSQL stand-in. It keeps the official image's contract:
# POSTGRES_USER, POSTGRES_PASSWORD, POSTGRES_DB (each also as *_FILE), POSTGRES_INITDB_ARGS,
# POSTGRES_HOST_AUTH_METHOD, PGDATA, scripts in /docker-entrypoint-initdb.d run once on first
# start, and postgres itself as PID 1 (so SIGINT and SIGTERM shut it down cleanly).
set -Eeuo pipefail

pg_log() {
	printf '%s [entrypoint] %s\n' "$(date -u '+%Y-%m-%d %H:%M:%S UTC')" "$*" >&2
}

pg_die() {
	pg_log "error: $*"
	exit 1
}

# pg_env_or_file VAR [DEFAULT]: sets VAR from $VAR, else from the file named by $VAR_FILE, else DEFAULT.
pg_env_or_file() {
	local var=$1 default=${2:-}
	local file_var="${var}_FILE"
	local value=$default
	if [ -n "${!var:-}" ] && [ -n "${!file_var:-}" ]; then
		pg_die "both $var and $file_var are set; set only one"
	fi
	if [ -n "${!var:-}" ]; then
		value=${!var}
	elif [ -n "${!file_var:-}" ]; then
		[ -r "${!file_var}" ] || pg_die "$file_var names ${!file_var}, which cannot be read"
		value=$(<"${!file_var}")
	fi
	export "$var"="$value"
	unset "$file_var"
}

pg_setup_env() {
	pg_env_or_file POSTGRES_PASSWORD
	pg_env_or_file POSTGRES_USER postgres
	pg_env_or_file POSTGRES_DB "$POSTGRES_USER"
	pg_env_or_file POSTGRES_INITDB_ARGS
	: "${POSTGRES_HOST_AUTH_METHOD:=}"
	if [ -s "$PGDATA/PG_VERSION" ]; then
		PG_DATA_EXISTS=true
	else
		PG_DATA_EXISTS=false
	fi
}

pg_require_password() {
	if [ -z "$POSTGRES_PASSWORD" ] && [ "$POSTGRES_HOST_AUTH_METHOD" != trust ]; then
		pg_die "the database is uninitialized and POSTGRES_PASSWORD is not set; set POSTGRES_PASSWORD (or POSTGRES_PASSWORD_FILE), or POSTGRES_HOST_AUTH_METHOD=trust to allow connections without one"
	fi
}

pg_prepare_dirs() {
	mkdir -p "$PGDATA"
	chmod 00700 "$PGDATA" || :
	mkdir -p /var/run/postgresql
	chmod 03775 /var/run/postgresql || :
	if [ "$(id -u)" = 0 ]; then
		find "$PGDATA" \! -user postgres -exec chown postgres: '{}' +
		chown postgres: /var/run/postgresql
	fi
}

pg_initdb() {
	pg_log "initializing the database cluster in $PGDATA"
	local args=()
	read -r -a args <<<"$POSTGRES_INITDB_ARGS"
	initdb --username="$POSTGRES_USER" --pwfile=<(printf '%s\n' "$POSTGRES_PASSWORD") \
		--encoding=UTF8 --locale=C.UTF-8 "${args[@]}" >/dev/null
}

pg_configure_access() {
	local method=${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}
	printf '\nhost all all all %s\n' "$method" >>"$PGDATA/pg_hba.conf"
	printf "\nlisten_addresses = '*'\n" >>"$PGDATA/postgresql.auto.conf"
}

pg_temp_server_start() {
	# Unix socket only while initializing, so nobody connects to a half-made database.
	PGUSER=$POSTGRES_USER PGPASSWORD=$POSTGRES_PASSWORD \
		pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -p 5432" -w start >/dev/null
}

pg_temp_server_stop() {
	pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
}

pg_psql() {
	PGPASSWORD=$POSTGRES_PASSWORD psql -v ON_ERROR_STOP=1 --no-psqlrc --username "$POSTGRES_USER" --no-password "$@"
}

pg_create_database() {
	if [ "$POSTGRES_DB" != postgres ]; then
		pg_log "creating database $POSTGRES_DB"
		pg_psql --dbname postgres --set db="$POSTGRES_DB" <<<'CREATE DATABASE :"db";' >/dev/null
	fi
}

pg_run_init_scripts() {
	local f
	for f in /docker-entrypoint-initdb.d/*; do
		[ -e "$f" ] || continue
		case "$f" in
		*.sh)
			if [ -x "$f" ]; then
				pg_log "running $f"
				"$f"
			else
				pg_log "sourcing $f"
				# shellcheck disable=SC1090
				. "$f"
			fi
			;;
		*.sql) pg_log "running $f"; pg_psql --dbname "$POSTGRES_DB" -f "$f" ;;
		*.sql.gz) pg_log "running $f"; gunzip -c "$f" | pg_psql --dbname "$POSTGRES_DB" ;;
		*.sql.xz) pg_log "running $f"; xzcat "$f" | pg_psql --dbname "$POSTGRES_DB" ;;
		*.sql.zst) pg_log "running $f"; zstd -dc "$f" | pg_psql --dbname "$POSTGRES_DB" ;;
		*) pg_log "ignoring $f" ;;
		esac
	done
}

pg_initialize() {
	pg_require_password
	pg_initdb
	pg_configure_access
	pg_temp_server_start
	pg_create_database
	pg_run_init_scripts
	pg_temp_server_stop
	pg_log "initialization complete; ready for start up"
}

main() {
	if [ "${1:0:1}" = '-' ]; then
		set -- postgres "$@"
	fi
	if [ "$1" != postgres ]; then
		exec "$@"
	fi
	pg_setup_env
	pg_prepare_dirs
	if [ "$(id -u)" = 0 ]; then
		exec setpriv --reuid=postgres --regid=postgres --init-groups "${BASH_SOURCE[0]}" "$@"
	fi
	if [ "$PG_DATA_EXISTS" = false ]; then
		pg_initialize
	fi
	exec "$@"
}

main "$@"
