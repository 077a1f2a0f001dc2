#!/usr/bin/env bash
# Capture an SVA lifecycle trace for `sva-replay import ftrace` (docs/capture.md).
#
# Targets mainline kernels with the handle-based SVA API, 5.x to 6.x:
#   struct iommu_sva *iommu_sva_bind_device(struct device *dev, struct mm_struct *mm[, void *drvdata])
#   void iommu_sva_unbind_device(struct iommu_sva *handle)
#   u32 iommu_sva_get_pasid(struct iommu_sva *handle)
#   mm release notifier: intel_mm_release(mn, mm) / arm_smmu_mm_release(mn, mm),
#   else __mmu_notifier_release(mm) (every mm with notifiers; the importer keeps bound ones)
# on architectures with $argN fetch-args (x86_64, arm64, ...; kernel >= 4.20).
# Needs root, tracefs and CONFIG_KPROBE_EVENTS. Stops on Ctrl-C, SIGTERM or after -d SECONDS.
set -euo pipefail

usage() {
  echo "usage: $0 [-o OUT.txt] [-d SECONDS] [-b BUFFER_KB] [--no-trace-cmd] [--no-qi]" >&2
  exit 2
}

OUT=sva-trace.txt DURATION='' BUFFER_KB=8192 USE_TRACE_CMD=1 WITH_QI=1
while [ $# -gt 0 ]; do
  case "$1" in
    -o) OUT=${2:?}; shift 2 ;;
    -d) DURATION=${2:?}; shift 2 ;;
    -b) BUFFER_KB=${2:?}; shift 2 ;;
    --no-trace-cmd) USE_TRACE_CMD=0; shift ;;
    --no-qi) WITH_QI=0; shift ;;
    *) usage ;;
  esac
done

# Fetch-args: adapt these for another kernel or architecture (docs/capture.md).
# dev_name(dev) is dev->kobj.name: struct device starts with its kobject, a kobject with its name.
DEV_ARG='dev=+0(+0($arg1)):string'
MM_ARG='mm=$arg2:x64'
HANDLE_ARG='handle=$arg1:x64'

# TRACEFS and KALLSYMS override the kernel's files (another mount point, or a dry run).
T=${TRACEFS:-/sys/kernel/tracing}
[ -e "$T/trace" ] || T=/sys/kernel/debug/tracing
KALLSYMS=${KALLSYMS:-/proc/kallsyms}
if [ ! -e "$T/trace" ]; then
  echo "capture-sva: no tracefs; try: mount -t tracefs nodev /sys/kernel/tracing" >&2
  exit 1
fi
[ -w "$T/kprobe_events" ] || { echo "capture-sva: $T/kprobe_events is not writable (root? CONFIG_KPROBE_EVENTS?)" >&2; exit 1; }

has_symbol() { awk -v s="$1" '$3 == s { found = 1; exit } END { exit !found }' "$KALLSYMS"; }

PROBES=() ENABLED=() CLEANED=0 RECORDER='' RECORDER_SIG=INT OLD_BUFFER_KB=$(cat "$T/buffer_size_kb")
OLD_TRACING_ON=$(cat "$T/tracing_on")

add_probe() { # NAME DEFINITION
  if echo "$2" >> "$T/kprobe_events"; then PROBES+=("$1"); else echo "capture-sva: cannot add probe: $2" >&2; fi
}

enable_event() { # SYSTEM/EVENT
  local f="$T/events/$1/enable"
  if [ -w "$f" ] && echo 1 > "$f"; then ENABLED+=("$1"); fi
}

cleanup() {
  [ "$CLEANED" = 1 ] && return
  CLEANED=1
  echo 0 > "$T/tracing_on" || true
  local e p
  for e in "${ENABLED[@]}"; do echo 0 > "$T/events/$e/enable" || true; done
  [ -w "$T/events/sva/enable" ] && { echo 0 > "$T/events/sva/enable" || true; } # a live probe cannot be removed
  for p in "${PROBES[@]}"; do echo "-:sva/$p" >> "$T/kprobe_events" || true; done
  echo "$OLD_BUFFER_KB" > "$T/buffer_size_kb" || true
  echo "$OLD_TRACING_ON" > "$T/tracing_on" || true
}
trap cleanup EXIT

# trace-cmd finishes its file on SIGINT; a background `cat` ignores SIGINT, so it gets SIGTERM.
stop() {
  if [ -z "$RECORDER" ]; then exit 130; fi # still setting up: the EXIT trap cleans up
  kill -"$RECORDER_SIG" "$RECORDER" 2> /dev/null || true
}
trap stop INT TERM

# ---- probes ----
for sym in iommu_sva_bind_device iommu_sva_unbind_device iommu_sva_get_pasid; do
  has_symbol "$sym" || { echo "capture-sva: $sym not in $KALLSYMS: no SVA API in this kernel?" >&2; exit 1; }
done
add_probe sva_bind "p:sva/sva_bind iommu_sva_bind_device $DEV_ARG $MM_ARG"
add_probe sva_bind_ret 'r:sva/sva_bind_ret iommu_sva_bind_device ret=$retval:x64'
add_probe sva_unbind "p:sva/sva_unbind iommu_sva_unbind_device $HANDLE_ARG"
add_probe sva_unbind_ret 'r:sva/sva_unbind_ret iommu_sva_unbind_device'
add_probe sva_get_pasid "p:sva/sva_get_pasid iommu_sva_get_pasid $HANDLE_ARG"
add_probe sva_get_pasid_ret 'r:sva/sva_get_pasid_ret iommu_sva_get_pasid ret=$retval:u32'
if has_symbol intel_mm_release; then
  add_probe sva_mm_release 'p:sva/sva_mm_release intel_mm_release mm=$arg2:x64'
elif has_symbol arm_smmu_mm_release; then
  add_probe sva_mm_release 'p:sva/sva_mm_release arm_smmu_mm_release mm=$arg2:x64'
else
  add_probe sva_mm_release 'p:sva/sva_mm_release __mmu_notifier_release mm=$arg1:x64'
fi

# ---- tracepoints (each only if this kernel has it) ----
EVENTS=(sva iommu/add_device_to_group iommu/remove_device_from_group iommu/attach_device_to_domain
  iommu/detach_device_from_domain iommu/dev_fault iommu/dev_page_response iommu/io_page_fault
  intel_iommu/prq_report intel_iommu/cache_tag_assign intel_iommu/cache_tag_unassign
  iommu/io_mm_alloc iommu/io_mm_reuse iommu/io_mm_free iommu/io_mm_attach_alloc iommu/io_mm_attach_get
  iommu/io_mm_detach iommu/io_mm_exit iommu/io_mm_unbind_put iommu/io_mm_unbind_free iommu/iopf_flush
  iommu/io_mm_invalidate)
[ "$WITH_QI" = 1 ] && EVENTS+=(intel_iommu/qi_submit)
PRESENT=()
for e in "${EVENTS[@]}"; do [ -d "$T/events/$e" ] && PRESENT+=("$e"); done

DRIVER=generic
compgen -G '/sys/class/iommu/dmar*' > /dev/null && DRIVER=vtd
compgen -G '/sys/class/iommu/smmu3.*' > /dev/null && DRIVER=smmuv3
compgen -G '/sys/class/iommu/ivhd*' > /dev/null && DRIVER=amd
header() {
  echo "# sva-replay: driver=$DRIVER"
  echo "# captured by capture-sva.sh on $(uname -r) $(uname -m), $(date -u +%Y-%m-%dT%H:%M:%SZ)"
}

echo "$BUFFER_KB" > "$T/buffer_size_kb"
echo "capture-sva: recording ${PRESENT[*]} -> $OUT (Ctrl-C to stop)" >&2
if [ "$USE_TRACE_CMD" = 1 ] && command -v trace-cmd > /dev/null; then
  args=()
  for e in "${PRESENT[@]}"; do args+=(-e "${e/\//:}"); done
  trace-cmd record -b "$BUFFER_KB" -o "$OUT.dat" "${args[@]}" > /dev/null &
  RECORDER=$!
  [ -n "$DURATION" ] && (sleep "$DURATION"; kill -INT "$RECORDER" 2> /dev/null || true) &
  while kill -0 "$RECORDER" 2> /dev/null; do wait "$RECORDER" || true; done
  { header; trace-cmd report -i "$OUT.dat"; } > "$OUT"
else
  for e in "${PRESENT[@]}"; do enable_event "$e"; done
  echo > "$T/trace"
  header > "$OUT"
  echo 1 > "$T/tracing_on"
  cat "$T/trace_pipe" >> "$OUT" &
  RECORDER=$! RECORDER_SIG=TERM
  [ -n "$DURATION" ] && (sleep "$DURATION"; kill -TERM "$RECORDER" 2> /dev/null || true) &
  while kill -0 "$RECORDER" 2> /dev/null; do wait "$RECORDER" || true; done
  echo 0 > "$T/tracing_on"
  grep -v '^#' "$T/trace" >> "$OUT" || true # what trace_pipe had not handed out yet
fi
echo "capture-sva: wrote $OUT; next: sva-replay import ftrace $OUT -o trace.jsonl" >&2
