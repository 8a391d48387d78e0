#!/usr/bin/env bash
# shellcheck disable=SC2016 # backticks in single quotes are Markdown, not expansions
# run.sh: the action's audit step, runnable outside GitHub (action/action_test.go runs it in a
# scripted git repository). From the repository root (the working directory):
#
#  1. covaudit validate --format github: bad station records become annotations on their lines
#     (stdout, which GitHub reads as workflow commands; a copy goes to validate.txt);
#  2. covaudit check: the Markdown table into the job summary, the JSON report and the gap map
#     into the report folder (two runs of check: one report format per run);
#  3. with a base ref: the stations file as it is at the base (git show BASE:FILE) against the
#     working tree's, covaudit diff --format markdown into the summary, the newly uncovered areas
#     into the report folder;
#  4. the verdict. Exit 2 when an input cannot be read or processed (any command's exit 2, or
#     this script's own checks), else 1 when validate finds error-level records, when diff finds
#     a regression, or (only with INPUT_FAIL_ON_FAILING_DISTRICTS=true) when districts fail on the
#     head; else 0. Districts that failed before the change do not fail the step by default.
#
# Every stage runs even when an earlier one failed, so the summary is complete.
#
# Environment (the composite action passes its inputs so):
#   COVAUDIT                          the binary (default: covaudit on PATH)
#   INPUT_DISTRICTS, INPUT_STATIONS   files; empty: the configuration's districts / stations
#   INPUT_CONFIG                      configuration file (default covaudit.yaml; may be absent
#                                     when both files are given)
#   INPUT_BASE_REF                    branch, tag or commit to compare with; empty: no diff
#   INPUT_FAIL_ON_FAILING_DISTRICTS   true|false (default false)
#   INPUT_QUIET                       true|false (default false): -q for check and diff
#   GITHUB_STEP_SUMMARY               appended to (default: only summary.md in the report folder)
#   GITHUB_OUTPUT                     receives report-dir, validate-exit, check-exit, diff-exit,
#                                     regressed
#   RUNNER_TEMP                       where the report folder is made (default: $TMPDIR or /tmp)
set -uo pipefail

covaudit=${COVAUDIT:-covaudit}
config=${INPUT_CONFIG:-covaudit.yaml}
districts=${INPUT_DISTRICTS:-}
stations=${INPUT_STATIONS:-}
base_ref=${INPUT_BASE_REF:-}

tmp=${RUNNER_TEMP:-${TMPDIR:-/tmp}}
out=$(mktemp -d "$tmp/covaudit-report.XXXXXX") || exit 2
work=$(mktemp -d "$tmp/covaudit-work.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT
summary=$out/summary.md
printf '## covaudit\n\n' >"$summary"

output() {
  if [ -n "${GITHUB_OUTPUT:-}" ]; then
    printf '%s=%s\n' "$1" "$2" >>"$GITHUB_OUTPUT"
  fi
}

# ghdata escapes text for the message of a workflow command.
ghdata() {
  local s=$1
  s=${s//'%'/%25}
  s=${s//$'\r'/%0D}
  s=${s//$'\n'/%0A}
  printf '%s' "$s"
}

# annotate LEVEL TITLE MESSAGE prints a workflow command (an annotation on the run).
annotate() {
  printf '::%s title=%s::%s\n' "$1" "$2" "$(ghdata "$3")"
}

# finish CODE appends the summary to the job's and exits with CODE.
finish() {
  if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
    cat "$summary" >>"$GITHUB_STEP_SUMMARY"
  fi
  echo "covaudit: reports in $out"
  exit "$1"
}

# fatal MESSAGE: an input the action cannot work with; exit 2.
fatal() {
  echo "covaudit action: $1" >&2
  annotate error "covaudit" "$1"
  printf '### covaudit: not run\n\n%s\n' "$1" >>"$summary"
  finish 2
}

output report-dir "$out"

# bool NAME VALUE checks a true|false input.
bool() {
  case "$2" in
  true | false) ;;
  '') ;;
  *) fatal "input $1: \"$2\" must be true or false" ;;
  esac
}
fail_on_failing=${INPUT_FAIL_ON_FAILING_DISTRICTS:-false}
quiet=${INPUT_QUIET:-false}
bool fail-on-failing-districts "$fail_on_failing"
bool quiet "$quiet"

if ! command -v "$covaudit" >/dev/null 2>&1; then
  fatal "$covaudit: no covaudit binary (the build step sets COVAUDIT)"
fi

# The configuration: used when it exists; a missing file is an error unless it is the default
# name and both files are inputs.
cfg=()
if [ -f "$config" ]; then
  cfg=(--config "$config")
elif [ -n "${INPUT_CONFIG:-}" ] && [ "$INPUT_CONFIG" != covaudit.yaml ]; then
  fatal "config $config: no such file"
fi

# config_value KEY prints a top-level scalar of the configuration file ('' when absent). Enough
# to find the districts and stations paths; covaudit itself reads the rest.
config_value() {
  [ ${#cfg[@]} -gt 0 ] || return 0
  sed -n -E "s/^$1:[[:space:]]*//p" "$config" | head -n 1 |
    sed -E 's/^#.*$//; s/[[:space:]]+#.*$//; s/[[:space:]]+$//; s/^"(.*)"$/\1/'"; s/^'(.*)'\$/\\1/"
}

# from_config KEY: the configuration's path for KEY, made relative to the working directory as
# covaudit takes it (relative to the configuration file's folder).
from_config() {
  local v
  v=$(config_value "$1")
  case "$v" in
  '' | /* | - | *://*) printf '%s' "$v" ;;
  *)
    local d
    d=$(dirname "$config")
    if [ "$d" = . ]; then printf '%s' "$v"; else printf '%s/%s' "$d" "$v"; fi
    ;;
  esac
}

[ -n "$districts" ] || districts=$(from_config districts)
[ -n "$stations" ] || stations=$(from_config stations)
if [ -z "$districts" ] || [ -z "$stations" ]; then
  # Without them covaudit would audit its embedded demo data: refuse instead.
  fatal "no districts or stations: set the action's districts and stations inputs, or districts: and stations: in $config"
fi
if [ "$stations" = - ]; then
  fatal "stations: standard input cannot be compared with the base; name a file"
fi

inputs=(${cfg[@]+"${cfg[@]}"} --districts "$districts")
q=()
[ "$quiet" = true ] && q=(-q)

# stage NAME LOG CMD...: runs a covaudit command, its stderr shown in the log and kept in LOG;
# sets rc. A message on exit 2 becomes an error annotation.
stage() {
  local name=$1 log=$2
  shift 2
  "$@" 2>"$log"
  rc=$?
  cat "$log" >&2
  if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ]; then
    local msg
    msg=$(grep -v '^covaudit: warning: ' "$log" | head -n 20)
    annotate error "covaudit $name" "${msg:-exit $rc}"
  fi
}

# failed NAME LOG writes a stage's error into the summary.
failed() {
  {
    printf '**covaudit %s** could not run (exit %s):\n\n```\n' "$1" "$rc"
    grep -v '^covaudit: warning: ' "$2" | head -n 20
    printf '```\n\n'
  } >>"$summary"
}

# 1. validate: annotations on stdout for GitHub, a copy in the report folder.
echo "::group::covaudit validate $stations"
stage validate "$work/validate.err" \
  bash -c '"$@" | tee "$0"; exit "${PIPESTATUS[0]}"' "$out/validate.txt" \
  "$covaudit" validate ${cfg[@]+"${cfg[@]}"} --districts "$districts" --stations "$stations" --format github
validate_rc=$rc
echo "::endgroup::"
output validate-exit "$validate_rc"
{
  printf '**covaudit validate** `%s`: ' "$stations"
  counts=$(cat "$out/validate.txt" "$work/validate.err" | grep -E '^[0-9]+ record\(s\):' | tail -n 1)
  case "$validate_rc" in
  0) printf '%s\n\n' "${counts:-no error-level finding}" ;;
  1) printf '%s: bad records are annotated on their lines\n\n' "${counts:-error-level findings}" ;;
  esac
} >>"$summary"
[ "$validate_rc" -le 1 ] || failed validate "$work/validate.err"

# 2. check: Markdown for the summary, then JSON and the gap map for the artefact.
echo "::group::covaudit check"
stage check "$work/check.err" "$covaudit" check "${inputs[@]}" --stations "$stations" ${q[@]+"${q[@]}"} \
  --format markdown -o "$out/check.md"
check_rc=$rc
if [ "$check_rc" -le 1 ]; then
  cat "$out/check.md" >>"$summary"
  echo >>"$summary"
  stage check "$work/check-json.err" "$covaudit" check "${inputs[@]}" --stations "$stations" -q \
    --format json -o "$out/report.json" --gaps "$out/gaps.geojson"
  [ "$rc" -le 1 ] || check_rc=$rc
fi
echo "::endgroup::"
output check-exit "$check_rc"
[ "$check_rc" -le 1 ] || failed check "$work/check.err"

# 3. diff against the stations file at the base.
diff_rc=
regressed=
# resolve REF prints the commit REF names: itself, the remote-tracking branch of origin, or, when
# neither is in the clone (a shallow checkout), fetched from origin.
resolve() {
  local c
  for c in "$1" "origin/$1"; do
    if git rev-parse --verify --quiet "$c^{commit}"; then return 0; fi
  done
  echo "covaudit action: $1 is not in the clone; fetching it from origin" >&2
  git fetch --no-tags --quiet --depth=1 origin "$1" >&2 && git rev-parse --verify --quiet "FETCH_HEAD^{commit}"
}
# at_base FILE DEST: FILE (relative to the working directory) as it is at the base commit, into
# DEST; returns 1 when the base has no such file.
at_base() {
  local d n found
  d=$(dirname "$1")
  n=$(basename "$1")
  found=$(cd "$d" && git ls-tree --name-only "$base" -- "./$n") || return 2
  [ -n "$found" ] || return 1
  (cd "$d" && git show "$base:./$n") >"$2"
}

if [ -z "$base_ref" ]; then
  printf '_No base ref (not a pull request): the comparison with the base was skipped._\n' >>"$summary"
elif [[ "$stations" == *://* ]]; then
  printf '_The stations are not a file in the repository (%s): the comparison with the base was skipped._\n' "$stations" >>"$summary"
elif ! git rev-parse --git-dir >"$work/git-dir" 2>"$work/git.err"; then
  cat "$work/git.err" >&2
  diff_rc=2
  annotate error "covaudit diff" "base-ref $base_ref is set but $(pwd) is not a git repository"
  printf '**covaudit diff** could not run: %s is not a git repository\n' "$(pwd)" >>"$summary"
elif ! base=$(resolve "$base_ref"); then
  diff_rc=2
  msg="base-ref $base_ref: no such branch, tag or commit here or on origin (actions/checkout with fetch-depth: 0 fetches the base)"
  annotate error "covaudit diff" "$msg"
  printf '**covaudit diff** could not run: %s\n' "$msg" >>"$summary"
else
  mkdir -p "$work/base"
  name=$(basename "$stations")
  at_base "$stations" "$work/base/$name"
  got=$?
  if [ "$got" -eq 0 ] && [[ "$name" == *.shp ]]; then
    # A shapefile's attributes and coordinate system are in files beside it.
    for ext in shx dbf prj cpg; do
      at_base "${stations%.shp}.$ext" "$work/base/${name%.shp}.$ext"
    done
  fi
  case "$got" in
  1)
    printf '_`%s` is new at %s: there is no base to compare with._\n' "$stations" "$base_ref" >>"$summary"
    ;;
  0)
    echo "::group::covaudit diff $base_ref:$stations -> $stations"
    stage diff "$work/diff.err" "$covaudit" diff "${inputs[@]}" ${q[@]+"${q[@]}"} \
      --base "$work/base/$name" --head "$stations" \
      --format markdown -o "$out/diff.md" --gaps "$out/newly-uncovered.geojson"
    diff_rc=$rc
    echo "::endgroup::"
    case "$diff_rc" in
    0 | 1)
      cat "$out/diff.md" >>"$summary"
      regressed=false
      [ "$diff_rc" -eq 0 ] || regressed=true
      ;;
    *) failed diff "$work/diff.err" ;;
    esac
    ;;
  *)
    diff_rc=2
    annotate error "covaudit diff" "$stations: cannot read it at $base_ref ($base)"
    printf '**covaudit diff** could not read `%s` at %s\n' "$stations" "$base_ref" >>"$summary"
    ;;
  esac
fi
output diff-exit "$diff_rc"
output regressed "$regressed"

# 4. The verdict.
code=0
for c in "$validate_rc" "$check_rc" "${diff_rc:-0}"; do
  if [ "$c" -ne 0 ] && [ "$c" -ne 1 ]; then code=2; fi
done
if [ "$code" -eq 0 ]; then
  if [ "$validate_rc" -eq 1 ]; then
    annotate error "covaudit" "the station file has error-level records (annotated on their lines)"
    code=1
  fi
  if [ "$regressed" = true ]; then
    annotate error "covaudit" "coverage regresses against $base_ref: see the job summary"
    code=1
  fi
  if [ "$check_rc" -eq 1 ]; then
    if [ "$fail_on_failing" = true ]; then
      annotate error "covaudit" "districts fail their coverage rule (fail-on-failing-districts is true)"
      code=1
    else
      annotate notice "covaudit" "districts fail their coverage rule; not a failure of this step (fail-on-failing-districts is false)"
    fi
  fi
fi
finish "$code"
