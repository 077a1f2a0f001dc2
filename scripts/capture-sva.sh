#!/usr/bin/env bash
# Capture an SVA lifecycle trace for `sva-replay import ftrace` (docs/capture.md).
#
# Targets mainline kernels with the handle-based SVA API, 5.x to 6.x:
#   struct iommu_sva *iommu_sva_bind_device(struct device *dev, struct mm_struct *mm[, void *drvdata])
#   void iommu_sva_unbind_device(struct iommu_sva *handle)
#   u32 iommu_sva_get_pasid(struct iommu_sva *handle)
#   mm release notifier: intel_mm_release / arm_smmu_mm_release / sva_mn_release (AMD) (mn, mm),
#   else __mmu_notifier_release(mm) (every mm with notifiers; the importer keeps bound ones);
#   mm_pasid_drop (6.5+), iommu_attach_device_pasid (6.2+), fault and response probes off Intel
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
# iommu_attach_device_pasid(domain, dev, pasid[, handle]): the device is the second argument.
DEV2_ARG='dev=+0(+0($arg2)):string'
# iopf_group_response(group, status) (6.9+): the device is group->fault_param->dev. The
# offsets of fault_param in struct iopf_group and of dev in struct iommu_fault_param depend on
# the build: check them with `pahole -C iopf_group,iommu_fault_param vmlinux` (docs/capture.md).
FAULT_PARAM_OFF=${FAULT_PARAM_OFF:-160}
FAULT_PARAM_DEV_OFF=${FAULT_PARAM_DEV_OFF:-56}
GROUP_DEV_ARG="dev=+0(+0(+${FAULT_PARAM_DEV_OFF}(+${FAULT_PARAM_OFF}(\$arg1)))):string"

# TRACEFS, KALLSYMS, SYSFS_IOMMU and KVER override the kernel's files and release (a dry run).
T=${TRACEFS:-/sys/kernel/tracing}
[ -e "$T/trace" ] || T=/sys/kernel/debug/tracing
KALLSYMS=${KALLSYMS:-/proc/kallsyms}
SYSFS_IOMMU=${SYSFS_IOMMU:-/sys/class/iommu}
KVER=${KVER:-$(uname -r)}
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

DRIVER=generic
compgen -G "$SYSFS_IOMMU/dmar*" > /dev/null && DRIVER=vtd
compgen -G "$SYSFS_IOMMU/smmu3.*" > /dev/null && DRIVER=smmuv3
compgen -G "$SYSFS_IOMMU/ivhd*" > /dev/null && DRIVER=amd
# ---- probes (event names are the importer's contract: docs/capture.md) ----
kver_at_least() { # MAJOR MINOR: is the captured kernel at least that release?
  local maj=${KVER%%.*} rest=${KVER#*.}
  local min=${rest%%[!0-9]*}
  [ "$maj" -gt "$1" ] || { [ "$maj" -eq "$1" ] && [ "$min" -ge "$2" ]; }
}
for sym in iommu_sva_bind_device iommu_sva_unbind_device iommu_sva_get_pasid; do
  has_symbol "$sym" || { echo "capture-sva: $sym not in $KALLSYMS: no SVA API in this kernel?" >&2; exit 1; }
done
add_probe sva_bind "p:sva/sva_bind iommu_sva_bind_device $DEV_ARG $MM_ARG"
add_probe sva_bind_ret 'r:sva/sva_bind_ret iommu_sva_bind_device ret=$retval:x64'
add_probe sva_unbind "p:sva/sva_unbind iommu_sva_unbind_device $HANDLE_ARG"
add_probe sva_unbind_ret 'r:sva/sva_unbind_ret iommu_sva_unbind_device'
add_probe sva_get_pasid "p:sva/sva_get_pasid iommu_sva_get_pasid $HANDLE_ARG"
add_probe sva_get_pasid_ret 'r:sva/sva_get_pasid_ret iommu_sva_get_pasid ret=$retval:u32'
# mm exit: the vendor driver's release (Intel; SMMUv3 5.11+; AMD sva_mn_release 6.10+), else
# the generic notifier release, which fires for every mm with notifiers (KVM guests...): the
# importer keeps only mms it saw bound, by this event name, whatever the rendering.
RELEASE=''
for sym in intel_mm_release arm_smmu_mm_release sva_mn_release; do
  has_symbol "$sym" || continue
  RELEASE=$sym
  add_probe sva_mm_release "p:sva/sva_mm_release $sym mm=\$arg2:x64"
  break
done
[ -n "$RELEASE" ] || add_probe sva_notifier_release 'p:sva/sva_notifier_release __mmu_notifier_release mm=$arg1:x64'
# mm_pasid_drop is out of line from 6.5 (inlined in __mmdrop before): the mm is gone.
if has_symbol mm_pasid_drop; then add_probe sva_mm_drop 'p:sva/sva_mm_drop mm_pasid_drop mm=$arg1:x64'; fi
# The SVA domain attach inside bind, and in-kernel PASID users (6.2+; a 4th argument from 6.11).
if has_symbol iommu_attach_device_pasid; then
  add_probe sva_attach_pasid "p:sva/sva_attach_pasid iommu_attach_device_pasid $DEV2_ARG pasid=\$arg3:u32"
  add_probe sva_attach_pasid_ret 'r:sva/sva_attach_pasid_ret iommu_attach_device_pasid ret=$retval:x64'
fi
if has_symbol iommu_detach_device_pasid; then
  add_probe sva_detach_pasid "p:sva/sva_detach_pasid iommu_detach_device_pasid $DEV2_ARG pasid=\$arg3:u32"
fi
if has_symbol iommu_alloc_global_pasid; then # 6.5+
  add_probe sva_pasid_alloc_ret 'r:sva/sva_pasid_alloc_ret iommu_alloc_global_pasid ret=$retval:x64'
  add_probe sva_pasid_free 'p:sva/sva_pasid_free iommu_free_global_pasid pasid=$arg1:u32'
fi
# Page requests and responses where no fault tracepoint exists (not Intel: prq_report and
# qi_submit cover it). iommu_report_device_fault(dev, evt): evt is an iommu_fault_event (up to
# 6.8) or an iopf_fault (6.9+); both start with struct iommu_fault, whose page request is at +8
# in every version (flags +8, pasid +12, grpid +16, perm +20, addr +24).
# The response: iommu_page_response(dev, msg) up to 6.8 (msg: argsz, version, flags, pasid,
# grpid, code up to 6.7; pasid, grpid, code in 6.8), iopf_group_response(group, status) from
# 6.9 (group->last_fault starts the iopf_group, so its page request is at +8 too).
if [ "$DRIVER" != vtd ] && has_symbol iommu_report_device_fault; then
  add_probe sva_fault "p:sva/sva_fault iommu_report_device_fault $DEV_ARG type=+0(\$arg2):u32 flags=+8(\$arg2):u32 pasid=+12(\$arg2):u32 grpid=+16(\$arg2):u32 perm=+20(\$arg2):u32 addr=+24(\$arg2):x64"
  if has_symbol iopf_group_response; then
    add_probe sva_page_response "p:sva/sva_page_response iopf_group_response $GROUP_DEV_ARG pasid=+12(\$arg1):u32 grpid=+16(\$arg1):u32 code=\$arg2:u32"
  elif has_symbol iommu_page_response; then
    if kver_at_least 6 8; then RESP='pasid=+0($arg2):u32 grpid=+4($arg2):u32 code=+8($arg2):u32'
    else RESP='pasid=+12($arg2):u32 grpid=+16($arg2):u32 code=+20($arg2):u32'; fi
    add_probe sva_page_response "p:sva/sva_page_response iommu_page_response $DEV_ARG $RESP"
  fi
fi
if has_symbol iommu_dev_enable_feature; then # until 6.15
  add_probe sva_enable_feature 'p:sva/sva_enable_feature iommu_dev_enable_feature feat=$arg2:u32'
fi

# ---- tracepoints (each only if this kernel has it) ----
EVENTS=(sva iommu/add_device_to_group iommu/remove_device_from_group iommu/attach_device_to_domain
  iommu/detach_device_from_domain iommu/io_page_fault
  intel_iommu/prq_report intel_iommu/cache_tag_assign intel_iommu/cache_tag_unassign
  # not mainline: the SVA development tree, openEuler and vendor kernels (enabled where present)
  iommu/dev_fault iommu/dev_page_response
  iommu/io_mm_alloc iommu/io_mm_reuse iommu/io_mm_free iommu/io_mm_attach_alloc iommu/io_mm_attach_get
  iommu/io_mm_detach iommu/io_mm_exit iommu/io_mm_unbind_put iommu/io_mm_unbind_free iommu/iopf_flush
  iommu/io_mm_invalidate smmu)
[ "$WITH_QI" = 1 ] && EVENTS+=(intel_iommu/qi_submit)
PRESENT=()
for e in "${EVENTS[@]}"; do [ -d "$T/events/$e" ] && PRESENT+=("$e"); done

header() {
  echo "# sva-replay: driver=$DRIVER kernel=$KVER arch=$(uname -m)"
  echo "# captured by capture-sva.sh on $KVER $(uname -m), $(date -u +%Y-%m-%dT%H:%M:%SZ)"
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
