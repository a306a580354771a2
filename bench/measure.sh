# Sourced by the benchmark scripts. measure RESULT_FILE COMMAND... runs the
# command and writes "SECONDS PEAK_RSS_KB PEAK_ANON_KB" to RESULT_FILE: its
# wall time, the peak of its resident set (VmHWM), and the peak of the
# anonymous part of it (heap and stacks), sampled every 50 ms with shell
# built-ins (a sampler that started programs would take CPU from the one
# measured). The rest of the resident set is file pages the process maps --
# SQLite maps its database file -- which are the kernel's page cache, shared
# and dropped at will, not memory the process holds. Returns the command's
# exit status.
measure() {
  local result=$1
  shift
  local start end pid hwm=0 anon=0 key value unit
  start=$(date +%s.%N)
  "$@" &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    while read -r key value unit; do
      case $key in
        VmHWM:) [ "$value" -gt "$hwm" ] && hwm=$value ;;
        RssAnon:) [ "$value" -gt "$anon" ] && anon=$value ;;
      esac
    done <"/proc/$pid/status" 2>/dev/null || true
    sleep 0.05
  done
  local status=0
  wait "$pid" || status=$?
  end=$(date +%s.%N)
  echo "$(echo "$end - $start" | bc) $hwm $anon" >"$result"
  return "$status"
}
