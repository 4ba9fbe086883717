# Sourced by scripts/postgres.sh, scripts/azurite.sh and the bench scripts: finding a free loopback port and waiting
# for a server on it. Only for servers that cannot bind port 0 and say which port they got (PostgreSQL names its
# socket after the port); the tests start src/Api and src/Silo on port 0 and read the port back (ApiProcess).

# Below the ephemeral range (32768 and up), so no client socket of the run can take the port meanwhile.
free_port() {
  local port
  for _ in $(seq 1 100); do
    port=$((20000 + RANDOM % 12000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return
    fi
  done
  echo "no free port found" >&2
  return 1
}

wait_for_port() {
  for _ in $(seq 1 300); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then
      return 0
    fi
    sleep 0.1
  done
  echo "nothing listens on port $1" >&2
  return 1
}
