// bench/distributed/job.ts
import { createHash } from "node:crypto";

// src/core/Failure.ts
function failure(tag, init) {
  const place2 = describeLocation(init.stage, init.location);
  const message = `${init.stage}${place2 === "" ? "" : ` ${place2}`}: ${init.reason}`;
  return {
    _tag: tag,
    stage: init.stage,
    message,
    ...init.cause === void 0 ? {} : { cause: init.cause },
    ...init.record === void 0 ? {} : { record: init.record },
    ...init.raw === void 0 ? {} : { raw: init.raw },
    ...init.location === void 0 ? {} : { location: init.location },
    ...init.details === void 0 ? {} : { details: init.details }
  };
}
function baseName(path) {
  return path.slice(Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\")) + 1);
}
function describeLocation(stage, location) {
  if (location === void 0) return "";
  const parts = [];
  if (location.file !== void 0 && !stage.includes(baseName(location.file)))
    parts.push(location.file);
  if (location.line !== void 0) parts.push(`line ${location.line}`);
  else if (location.row !== void 0) parts.push(`row ${location.row}`);
  if (location.offset !== void 0 && location.line === void 0)
    parts.push(`byte ${location.offset}`);
  if (location.recordId !== void 0) parts.push(`record ${location.recordId}`);
  if (location.field !== void 0) parts.push(`field ${location.field}`);
  return parts.join(" ");
}
function describeError(error) {
  try {
    if (error instanceof Error) return String(error.message);
    if (typeof error === "string") return error;
  } catch {
    return UNDESCRIBABLE;
  }
  try {
    const text = JSON.stringify(error);
    if (text !== void 0) return text;
  } catch {
  }
  try {
    return String(error);
  } catch {
    return UNDESCRIBABLE;
  }
}
var UNDESCRIBABLE = "a thrown value that cannot be described";

// src/core/RunError.ts
var RunError = class extends Error {
  constructor(message, failure2, options) {
    super(message, options);
    this.failure = failure2;
  }
  failure;
  name = "RunError";
  report = void 0;
};

// src/core/AbortError.ts
var AbortError = class extends Error {
  name = "AbortError";
  report = void 0;
};

// src/index.ts
import { pipe, flow as flow2 } from "fp-ts/lib/function.js";

// src/internal/RunContext.ts
import { AsyncLocalStorage } from "node:async_hooks";

// src/internal/busyTime.ts
var SAMPLE_EVERY = 16;
var BusyClock = class {
  exactMs = 0;
  sampledMs = 0;
  samples = 0;
  calls = 0;
  countdown = 0;
  measured = false;
  /** A handler is about to be called: whether to time it (then {@link addSample}). */
  sample() {
    this.calls += 1;
    if (this.calls <= SAMPLE_EVERY) return true;
    if (--this.countdown > 0) return false;
    this.countdown = SAMPLE_EVERY;
    return true;
  }
  /** The time of a sampled call, downstream time taken out. */
  addSample(ms) {
    this.sampledMs += Math.max(0, ms);
    this.samples += 1;
    this.measured = true;
  }
  spanEnd = 0;
  /** Time measured in full (not sampled). */
  add(ms) {
    this.exactMs += Math.max(0, ms);
    this.measured = true;
  }
  /**
   * Awaited work from `start` to `end` (`performance.now()` times). Spans that overlap (a sink's
   * last write and its end, which awaits it) count once.
   */
  addSpan(start, end) {
    const from = Math.max(start, this.spanEnd);
    if (end > from) this.exactMs += end - from;
    if (end > this.spanEnd) this.spanEnd = end;
    this.measured = true;
  }
  /** The busy time so far, in ms; undefined for a stage that never measured any. */
  get ms() {
    if (!this.measured) return void 0;
    const average = this.samples === 0 ? 0 : this.sampledMs / this.samples;
    return this.exactMs + average * this.calls;
  }
};

// src/internal/RunContext.ts
var RunStop = class {
  constructor(status, error) {
    this.status = status;
    this.error = error;
  }
  status;
  error;
};
var StageStats = class {
  constructor(name, kind, depth, order) {
    this.name = name;
    this.kind = kind;
    this.depth = depth;
    this.order = order;
  }
  name;
  kind;
  depth;
  order;
  in = 0;
  out = 0;
  dropped = 0;
  failed = 0;
  created = 0;
  merged = 0;
  /** Of the records inside this stage, how many it has taken into custody (the run's `held`). */
  held = 0;
  /** Records a downstream stage's early completion left inside this stage (counted in `dropped`). */
  cancelled = 0;
  details = void 0;
  /** Time spent in the stage's own handlers and awaited work. */
  busy = new BusyClock();
  started = performance.now();
  finished = void 0;
  finish() {
    if (this.finished === void 0) this.finished = performance.now();
  }
  /** Records inside this stage: received or made, with no outcome in this stage yet. */
  remainder() {
    return this.in + this.created - this.out - this.dropped - this.merged - this.failed;
  }
  /** The run stopped: records still inside this stage were dropped by the stop. */
  dropRemainder() {
    const remainder = this.remainder();
    if (remainder > 0) this.dropped += remainder;
  }
  get isFinished() {
    return this.finished !== void 0;
  }
  toReport() {
    const wall = Math.round((this.finished ?? performance.now()) - this.started);
    const busy = this.busy.ms;
    return {
      name: this.name,
      kind: this.kind,
      in: this.in,
      out: this.out,
      dropped: this.dropped,
      failed: this.failed,
      created: this.created,
      merged: this.merged,
      ...this.cancelled > 0 ? { cancelled: this.cancelled } : {},
      ...busy === void 0 ? {} : { busyMs: Math.round(busy) },
      wallMs: wall,
      durationMs: wall,
      ...this.details === void 0 ? {} : { details: this.details }
    };
  }
};
var RunContext = class {
  constructor(settings) {
    this.settings = settings;
  }
  settings;
  startedAt = /* @__PURE__ */ new Date();
  read = 0;
  created = 0;
  written = 0;
  dropped = 0;
  merged = 0;
  failed = 0;
  droppedByReason = {};
  open = 0;
  held = 0;
  /**
   * Records written to a destination that becomes visible only when it is committed (a temporary
   * file renamed at the end). They are out of memory, so they neither use budget nor count as in
   * flight; their outcome comes at the commit (`commit`) or, if it never happens, at the report.
   */
  uncommitted = 0;
  maxInFlight = 0;
  bytesPerRecord = 0;
  failures = [];
  failuresOmitted = 0;
  /** Records that failed in this run's branches (`fanOut`, `route`): the policy counts them too. */
  branchFailures = 0;
  stageList = [];
  policy = void 0;
  deadLetterChannel = void 0;
  /** Set once the run stops early; stages check it to stop work. */
  stopped = void 0;
  stopController = new AbortController();
  /** Aborts when the run stops early: sinks and stages pass it to work that may block. */
  signal = this.stopController.signal;
  stopListeners = [];
  waiters = [];
  blockers = /* @__PURE__ */ new Set();
  stallListeners = [];
  lastProgress = performance.now();
  /**
   * Units of asynchronous work in flight (lookups, requests, a sink's writes): a run with work in
   * flight is given more patience before it counts as stalled, not unlimited patience.
   */
  working = 0;
  /** The input of the sink completed: records still open can only be settled by work in flight. */
  ending = false;
  /** The watchdog: checks for a stall, and keeps the process alive while the run is in progress. */
  watchdog = void 0;
  /** Hooks that returned a promise not settled yet. */
  pendingHooks = /* @__PURE__ */ new Set();
  sections = {};
  /**
   * The stage whose handler runs now (set by the stage machinery): what it takes into or out of
   * custody is its own, so that records it still holds when it is cancelled are found.
   */
  activeStage = void 0;
  /** A stage takes its input from plain rxjs code: records may enter the run there. */
  countsEntries = false;
  /** Values PowerFlow flows passed to plain rxjs code, once `countsEntries`. */
  toPlain = 0;
  /** Values that reached PowerFlow stages from plain rxjs code. */
  fromPlain = 0;
  /** Of those, how many were new records, counted as read where they entered. */
  entered = 0;
  /**
   * The record a source is emitting now — or the record a one-to-one stage made from it — and
   * where it came from: failures raised about that very record (by identity) get its file and line.
   */
  current = void 0;
  currentLocate = void 0;
  currentIndex = 0;
  /** The `state` run option: sources read their saved positions here and say what they reach. */
  state = void 0;
  // ---- where records come from --------------------------------------------------------------
  /** A source is about to emit `record`, item `index` of a batch that `locate` can place. */
  emitting(record, locate, index) {
    this.current = record;
    this.currentLocate = locate;
    this.currentIndex = index;
  }
  /** A one-to-one stage turned the current record `from` into `to`: `to` comes from the same place. */
  derived(from, to) {
    if (from === this.current && from !== void 0) this.current = to;
  }
  /** Where `record` came from, if it is the record being emitted now (or made from it). */
  locationOf(record) {
    if (record === void 0 || record !== this.current || this.currentLocate === void 0)
      return void 0;
    return this.currentLocate(this.currentIndex);
  }
  // ---- stages -------------------------------------------------------------------------------
  /** Registers a stage when it subscribes; calls the `preStage` hook. */
  stage(name, kind, depth) {
    const stats = new StageStats(name, kind, depth, this.stageList.length);
    this.stageList.push(stats);
    this.callHook("preStage", () => this.settings.hooks.preStage?.({ name, kind }));
    return stats;
  }
  /**
   * Marks a stage's output complete, or the stage unsubscribed; calls the `postStage` hook. A
   * stage that ends while records are still inside it, in a run that has not stopped, was
   * unsubscribed by a downstream stage that completed early (`take`): those records are settled,
   * in the stage and in the run, as dropped with reason `cancelled`.
   */
  finishStage(stats) {
    if (stats.isFinished) return;
    if (this.stopped === void 0) this.cancel(stats);
    stats.finish();
    this.callHook("postStage", () => this.settings.hooks.postStage?.(stats.toReport()));
  }
  cancel(stats) {
    const remainder = stats.remainder();
    if (remainder <= 0) return;
    stats.dropped += remainder;
    stats.cancelled += remainder;
    const fromHeld = Math.min(remainder, stats.held, this.held);
    this.settle("dropped", fromHeld, "cancelled", true, stats);
    this.settle("dropped", Math.min(remainder - fromHeld, this.open), "cancelled", false, stats);
  }
  get stages() {
    return [...this.stageList].sort((a, b) => a.depth - b.depth || b.order - a.order);
  }
  // ---- the ledger ---------------------------------------------------------------------------
  /** Records emitted by a source. `bytes` (optional) is their approximate size in memory. */
  noteRead(count, bytes = 0) {
    this.read += count;
    this.addOpen(count);
    if (bytes > 0) this.bytesPerRecord = this.bytesPerRecord * 0.9 + bytes / count * 0.1;
  }
  /** A PowerFlow flow passed a value to plain rxjs code. */
  leftToPlain() {
    this.toPlain += 1;
  }
  /**
   * A value reached a stage from plain rxjs code. More values coming out of plain code than
   * PowerFlow flows put into it are records that enter the run there: this one is counted as
   * read, and the answer is true.
   */
  arrivedFromPlain() {
    this.fromPlain += 1;
    if (this.fromPlain - this.entered <= this.toPlain) return false;
    this.entered += 1;
    this.noteRead(1);
    return true;
  }
  /** Records made by an operator. */
  noteCreated(count) {
    this.created += count;
    this.addOpen(count);
  }
  /**
   * Takes records into custody: their budget is released, their outcome comes later. They are
   * `stage`'s (default: the stage whose handler runs now).
   */
  hold(count, stage = this.activeStage) {
    this.open -= count;
    this.held += count;
    if (stage !== void 0) stage.held += count;
    this.progress();
  }
  /** Gives records out of custody again (for example dedupe's kept records at the end). */
  release(count, stage = this.activeStage) {
    this.held -= count;
    if (stage !== void 0) stage.held -= count;
    this.addOpen(count);
  }
  /** Records read or created whose outcome is not recorded yet (open, in custody, uncommitted). */
  unsettled() {
    return this.open + this.held + this.uncommitted;
  }
  /** Open records reached a destination that is committed later: see `uncommitted`. */
  holdUncommitted(count) {
    this.open -= count;
    this.uncommitted += count;
    this.progress();
  }
  /** The destination was committed: `count` uncommitted records are written. */
  commit(count) {
    if (count <= 0) return;
    this.uncommitted -= count;
    this.open += count;
    this.settle("written", count);
  }
  /**
   * Records the outcome of `count` records, open ones or (with `fromHeld`) ones in `stage`'s
   * custody (default: the stage whose handler runs now).
   */
  settle(outcome, count, reason, fromHeld = false, stage = this.activeStage) {
    if (count <= 0) return;
    if (fromHeld) {
      this.held -= count;
      if (stage !== void 0) stage.held -= count;
    } else this.open -= count;
    switch (outcome) {
      case "written":
        this.written += count;
        break;
      case "merged":
        this.merged += count;
        break;
      case "failed":
        this.failed += count;
        break;
      case "dropped": {
        const key = reason ?? "dropped";
        this.dropped += count;
        this.droppedByReason[key] = (this.droppedByReason[key] ?? 0) + count;
        break;
      }
    }
    this.progress();
  }
  addOpen(count) {
    this.open += count;
    if (this.open > this.maxInFlight) this.maxInFlight = this.open;
  }
  progress() {
    if (this.waiters.length === 0) {
      if (this.ending) this.lastProgress = performance.now();
      return;
    }
    this.lastProgress = performance.now();
    if (this.hasCapacity()) {
      const waiters = this.waiters;
      this.waiters = [];
      for (const wake of waiters) wake();
    }
  }
  /** Whether a source may emit another record now. */
  hasCapacity() {
    if (this.blockers.size > 0) return false;
    if (this.open >= this.settings.highWaterMark) return false;
    if (this.bytesPerRecord > 0 && this.open * this.bytesPerRecord >= this.settings.highWaterBytes)
      return false;
    return true;
  }
  /**
   * Resolves when a source may emit again. Tells stall listeners (batching sinks flush then); the
   * watchdog stops the run if nothing settles for too long (see {@link startWatchdog}).
   */
  capacity() {
    for (const listener of this.stallListeners) listener();
    if (this.hasCapacity() || this.stopped !== void 0) return Promise.resolve();
    if (this.waiters.length === 0) this.lastProgress = performance.now();
    return new Promise((resolve2) => this.waiters.push(resolve2));
  }
  /**
   * Starts the watchdog of a run in progress. Its timer is not `unref`'d: a run keeps the process
   * alive until it settles. While a source waits for budget, or the sink's input has ended and
   * records are still open, the run must make progress (a record settled, a unit of work
   * finished): after `stallTimeoutMs` without any — or {@link IN_FLIGHT_PATIENCE} times that (at
   * least 1 s) while work is in flight (a request, a lookup, a sink's write) — it stops as stalled. Records that
   * vanish inside a plain rxjs operator, or a write that never settles, end the run this way
   * rather than hang it or let the process exit with nothing said.
   */
  startWatchdog() {
    if (this.watchdog !== void 0) return;
    this.armWatchdog(this.settings.stallTimeoutMs);
  }
  /** Stops the watchdog: the run settled. */
  stopWatchdog() {
    if (this.watchdog !== void 0) clearTimeout(this.watchdog);
    this.watchdog = void 0;
  }
  /** The sink's input completed: from now on open records must settle through work in flight. */
  inputEnded() {
    this.ending = true;
    this.lastProgress = performance.now();
  }
  armWatchdog(ms) {
    this.watchdog = setTimeout(() => this.checkStall(), timerDelay(Math.max(10, ms)));
  }
  checkStall() {
    this.watchdog = void 0;
    if (this.stopped !== void 0) {
      this.armWatchdog(this.settings.stallTimeoutMs);
      return;
    }
    const waiting = this.waiters.length > 0 || this.ending && this.open > 0;
    if (!waiting || this.blockers.size > 0) {
      this.armWatchdog(this.settings.stallTimeoutMs);
      return;
    }
    const patience = this.working > 0 ? Math.max(this.settings.stallTimeoutMs * IN_FLIGHT_PATIENCE, MIN_IN_FLIGHT_PATIENCE_MS) : this.settings.stallTimeoutMs;
    const idle = performance.now() - this.lastProgress;
    if (idle < patience) {
      this.armWatchdog(patience - idle);
      return;
    }
    const waited = Math.round(idle);
    const reason = this.working > 0 ? `${this.working} units of work in flight (a request, a lookup, a sink's write) have not finished and no record settled for ${waited} ms. A write or lookup that never settles stalls the run; give it a timeout, or listen to its AbortSignal.` : `${this.open} records were read but never settled for ${waited} ms. A plain rxjs operator that drops or holds records must be wrapped with rx(operator) so PowerFlow can account for them.`;
    this.armWatchdog(this.settings.stallTimeoutMs);
    this.stop(new RunStop("failed", new RunError(`${this.settings.name}: stalled \u2014 ${reason}`)));
  }
  /** A stage started asynchronous work (a lookup, a request): the run is busy, not stalled. */
  beginWork() {
    this.working += 1;
  }
  endWork() {
    this.working -= 1;
    this.lastProgress = performance.now();
  }
  /** Makes sources wait until `unblock(token)`, such as while a file stream drains. */
  block(token) {
    this.blockers.add(token);
  }
  unblock(token) {
    if (this.blockers.delete(token)) this.progress();
  }
  /** Called whenever a source is about to wait for capacity. */
  onStall(listener) {
    this.stallListeners.push(listener);
    return () => {
      const index = this.stallListeners.indexOf(listener);
      if (index >= 0) this.stallListeners.splice(index, 1);
    };
  }
  // ---- failures and the policy --------------------------------------------------------------
  /** Registers the run's policy; a second one is an error. */
  setPolicy(policy) {
    if (this.policy !== void 0)
      throw new Error(
        `${this.settings.name}: two failure policies in one run (${this.policy.kind} and ${policy.kind}); a run has one policy`
      );
    this.policy = policy;
    if (policy.kind === "deadLetter") this.deadLetterChannel = policy.open();
  }
  /**
   * A record ended as a failure: counts it, keeps it for the report, and applies the policy.
   * Records in custody pass `fromHeld`.
   */
  fail(failure2, fromHeld = false) {
    this.settle("failed", 1, void 0, fromHeld);
    freezeFailure(failure2);
    this.keep(failure2);
    this.callHook("onFailure", () => this.settings.hooks.onFailure?.(failure2));
    this.applyPolicy(failure2);
  }
  /**
   * A record failed in a branch of this run (`fanOut`, `route`): the branch's report counts it,
   * this run keeps it (its `details.branch` names the branch) and applies its policy to it.
   */
  branchFailed(branch, failure2) {
    const inner = failure2.details?.["branch"];
    const named2 = {
      ...failure2,
      details: {
        ...failure2.details,
        branch: typeof inner === "string" ? `${branch}/${inner}` : branch
      }
    };
    freezeFailure(named2);
    this.branchFailures += 1;
    this.keep(named2);
    this.callHook("onFailure", () => this.settings.hooks.onFailure?.(named2));
    this.applyPolicy(named2);
  }
  /** Applies the run's policy to a failure just counted (a branch run hands it to its parent). */
  applyPolicy(failure2) {
    const policy = this.policy;
    if (policy?.kind === "failFast") {
      this.stop(new RunStop("failed", new RunError(failure2.message, failure2)));
      return;
    }
    if (policy?.kind === "deadLetter") this.deadLetterChannel?.push(failure2);
    const max = policy?.maxFailures;
    if (max !== void 0 && this.failed + this.branchFailures > max)
      this.stop(
        new RunStop(
          "failed",
          new RunError(
            `${this.settings.name}: more than ${max} failures (maxFailures); the last: ${failure2.message}`,
            failure2
          )
        )
      );
  }
  /** Adds a failure to the report without counting a record (hook errors, warnings). */
  keep(failure2) {
    if (this.failures.length < this.settings.failureCap) this.failures.push(failure2);
    else this.failuresOmitted += 1;
  }
  /** Finishes the dead-letter run, if any, and returns its report. */
  async finishDeadLetter() {
    const channel = this.deadLetterChannel;
    this.deadLetterChannel = void 0;
    return channel === void 0 ? void 0 : channel.finish();
  }
  // ---- stopping -----------------------------------------------------------------------------
  /** Stops the run early (fail-fast, maxFailures, abort, an infrastructure error). First wins. */
  stop(stop) {
    if (this.stopped !== void 0) return;
    this.stopped = stop;
    this.stopController.abort(stop.error);
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
    for (const listener of this.stopListeners) listener(stop);
  }
  onStop(listener) {
    this.stopListeners.push(listener);
  }
  // ---- hooks --------------------------------------------------------------------------------
  /**
   * Runs a hook; one that throws, or returns a promise that rejects, is reported as a HookError
   * and changes nothing else. A hook's promise is not awaited by the stages (hooks observe, they
   * do not hold the run up), but the run waits for it before it settles: see {@link settleHooks}.
   */
  callHook(hook, call) {
    let returned;
    try {
      returned = call();
    } catch (error) {
      this.hookFailed(hook, "threw", error);
      return;
    }
    if (!isPromiseLike(returned)) return;
    const pending = Promise.resolve(returned).then(
      () => {
        this.pendingHooks.delete(pending);
      },
      (error) => {
        this.pendingHooks.delete(pending);
        this.hookFailed(hook, "rejected", error);
      }
    );
    this.pendingHooks.add(pending);
  }
  /**
   * Waits for the hooks' promises still pending, at most `patienceMs`: a hook that never settles
   * is reported as a HookError and left behind.
   */
  async settleHooks(patienceMs) {
    if (this.pendingHooks.size === 0) return;
    let timer;
    const late = new Promise((resolve2) => {
      timer = setTimeout(() => resolve2("late"), timerDelay(patienceMs));
    });
    while (this.pendingHooks.size > 0) {
      const outcome = await Promise.race([Promise.all(this.pendingHooks), late]);
      if (outcome === "late") {
        this.keep(
          failure("HookError", {
            stage: this.settings.name,
            reason: `${this.pendingHooks.size} hook promises had not settled ${Math.round(patienceMs)} ms after the run ended; the run did not wait for them`
          })
        );
        this.pendingHooks.clear();
      }
    }
    clearTimeout(timer);
  }
  hookFailed(hook, how, error) {
    this.keep(
      failure("HookError", {
        stage: this.settings.name,
        reason: `hook ${hook} ${how}: ${describeError(error)}`,
        cause: error
      })
    );
  }
  // ---- the report ---------------------------------------------------------------------------
  /**
   * Closes the books: whatever is still open, in custody or uncommitted is dropped — with reason `aborted` when
   * the run stopped early, or `unaccounted` (with a LedgerWarning) when it completed, which only
   * happens when a plain rxjs operator lost records. When the run stopped early, each stage also
   * counts the records still inside it as dropped, so every stage's figures add up.
   */
  report(status) {
    this.activeStage = void 0;
    for (const stats of this.stageList) {
      if (status !== "completed") stats.dropRemainder();
      this.finishStage(stats);
    }
    if (this.open < 0) {
      const uncounted = -this.open;
      this.read += uncounted;
      this.open = 0;
      this.keep(
        failure("LedgerWarning", {
          stage: this.settings.name,
          reason: `${uncounted} records entered the run from a plain Observable where PowerFlow could not count them, and are counted as read at the end; wrap the Observable with fromObservable(observable)`
        })
      );
    }
    const leftover = this.unsettled();
    if (leftover > 0) {
      const reason = status === "completed" ? "unaccounted" : "aborted";
      if (status === "completed")
        this.keep(
          failure("LedgerWarning", {
            stage: this.settings.name,
            reason: `${leftover} records vanished inside a plain rxjs operator; wrap it with rx(operator) to account for them`
          })
        );
      this.settle("dropped", this.open, reason);
      this.settle("dropped", this.held, reason, true);
      this.open += this.uncommitted;
      this.settle("dropped", this.uncommitted, reason);
      this.uncommitted = 0;
    }
    const finished = /* @__PURE__ */ new Date();
    return {
      name: this.settings.name,
      status,
      read: this.read,
      written: this.written,
      dropped: this.dropped,
      droppedByReason: { ...this.droppedByReason },
      failed: this.failed,
      failures: [...this.failures],
      failuresOmitted: this.failuresOmitted,
      created: this.created,
      merged: this.merged,
      stages: this.stages.map((stats) => stats.toReport()),
      startedAt: this.startedAt.toISOString(),
      finishedAt: finished.toISOString(),
      durationMs: finished.getTime() - this.startedAt.getTime(),
      maxInFlight: this.maxInFlight,
      ...this.sections
    };
  }
};
function timerDelay(ms) {
  if (Number.isNaN(ms)) return 2147483647;
  return Math.min(ms, 2147483647);
}
var IN_FLIGHT_PATIENCE = 10;
var MIN_IN_FLIGHT_PATIENCE_MS = 1e3;
function isPromiseLike(value) {
  return typeof value === "object" && value !== null && typeof value.then === "function";
}
function freezeFailure(failure2) {
  if (Object.isFrozen(failure2)) return;
  if (failure2.location !== void 0) Object.freeze(failure2.location);
  if (failure2.details !== void 0) Object.freeze(failure2.details);
  Object.freeze(failure2);
}
var storage = new AsyncLocalStorage();
function withRun(context, body) {
  return storage.run(context, body);
}
function currentRun() {
  return storage.getStore() ?? detached();
}
function detached() {
  return new RunContext({
    name: "detached",
    highWaterMark: Number.POSITIVE_INFINITY,
    highWaterBytes: Number.POSITIVE_INFINITY,
    failureCap: 0,
    stallTimeoutMs: Number.POSITIVE_INFINITY,
    hooks: {}
  });
}

// src/internal/depth.ts
import { Observable } from "rxjs";
var depths = /* @__PURE__ */ new WeakMap();
var asInput = false;
function depthOf(flow3) {
  return depths.get(flow3) ?? 0;
}
function isFlow(observable) {
  return depths.has(observable);
}
function withDepth(flow3, depth) {
  const registered = new Observable((subscriber) => {
    const direct = asInput;
    asInput = true;
    try {
      const run = currentRun();
      if (direct || !run.countsEntries) return flow3.subscribe(subscriber);
      return flow3.subscribe({
        next(value) {
          run.leftToPlain();
          subscriber.next(value);
        },
        error: (error) => subscriber.error(error),
        complete: () => subscriber.complete()
      });
    } finally {
      asInput = direct;
    }
  });
  depths.set(registered, depth);
  return registered;
}
function subscribing(stage, subscribe) {
  const outer = asInput;
  asInput = stage;
  try {
    return subscribe();
  } finally {
    asInput = outer;
  }
}

// src/internal/flowInput.ts
import { Observable as Observable2 } from "rxjs";
function subscribeInput(run, stage, input, observer) {
  if (isFlow(input)) return subscribing(true, () => input.subscribe(observer));
  run.countsEntries = true;
  let entry;
  const checked = new Observable2(
    (subscriber) => subscribing(
      false,
      () => input.subscribe({
        next(value) {
          if (!isEither(value)) {
            subscriber.error(notAnEither(stage, value));
            return;
          }
          if (run.arrivedFromPlain()) {
            entry ??= run.stage(`rxjs input of ${stage}`, "source", 0);
            entry.in += 1;
            if (value._tag === "Left") entry.failed += 1;
            else entry.out += 1;
          }
          subscriber.next(value);
        },
        error: (error) => subscriber.error(error),
        complete() {
          if (entry !== void 0) run.finishStage(entry);
          subscriber.complete();
        }
      })
    )
  );
  return checked.subscribe(observer);
}
function isEither(value) {
  if (typeof value !== "object" || value === null) return false;
  const tag = value._tag;
  return tag === "Left" || tag === "Right";
}
function notAnEither(stage, value) {
  return new TypeError(
    `${stage}: received ${describe(value)}, which is not an Either (a PowerFlow record is right(value), a failure left(failure)). Wrap a plain Observable with fromObservable(observable) to make it a Flow.`
  );
}
function describe(value) {
  try {
    const text = typeof value === "string" ? JSON.stringify(value) : String(value);
    return text.length > 60 ? `${text.slice(0, 57)}...` : text;
  } catch {
    return `a ${typeof value}`;
  }
}

// src/internal/pullSource.ts
import { Observable as Observable3 } from "rxjs";
import { isLeft } from "fp-ts/lib/Either.js";
var YIELD_EVERY_MS = 8;
function pullSource(name, open5) {
  const flow3 = new Observable3((subscriber) => {
    const run = currentRun();
    const stats = run.stage(name, "source", 0);
    const controller = new AbortController();
    let reader;
    const closed = () => subscriber.closed || run.stopped !== void 0;
    const loop = async () => {
      const opening = performance.now();
      const opened = await open5(controller.signal);
      stats.busy.addSpan(opening, performance.now());
      reader = opened;
      if (controller.signal.aborted) {
        void opened.return?.()?.catch(() => void 0);
        return;
      }
      let lastYield = performance.now();
      for (; ; ) {
        if (closed()) return;
        const reading = performance.now();
        const step = await opened.next();
        stats.busy.addSpan(reading, performance.now());
        if (step.done === true) break;
        const { items, bytes, details, locate } = step.value;
        if (details !== void 0) stats.details = { ...details };
        const bytesEach = bytes === void 0 || items.length === 0 ? 0 : bytes / items.length;
        for (let index = 0; index < items.length; index++) {
          if (!run.hasCapacity()) await run.capacity();
          if (closed()) return;
          const item = items[index];
          run.noteRead(1, bytesEach);
          stats.in += 1;
          if (isLeft(item)) stats.failed += 1;
          else stats.out += 1;
          run.emitting(locate === void 0 || isLeft(item) ? void 0 : item.right, locate, index);
          subscriber.next(item);
        }
        const now = performance.now();
        if (now - lastYield > YIELD_EVERY_MS) {
          await new Promise((resolve2) => setImmediate(resolve2));
          lastYield = performance.now();
        }
      }
      if (closed()) return;
      run.finishStage(stats);
      subscriber.complete();
    };
    loop().catch((error) => {
      if (subscriber.closed) return;
      subscriber.error(error);
    });
    return () => {
      controller.abort();
      run.finishStage(stats);
      void reader?.return?.()?.catch(() => void 0);
    };
  });
  return withDepth(flow3, 0);
}

// src/sources/fromCsv.ts
import { basename } from "node:path";
import { TextDecoder as TextDecoder2 } from "node:util";

// src/internal/csv/csvReader.ts
import { left, right } from "fp-ts/lib/Either.js";

// src/internal/csv/byteSource.ts
import { open } from "node:fs/promises";
import { Readable, pipeline } from "node:stream";
import { createGunzip } from "node:zlib";
var FILE_CHUNK_BYTES = 64 * 1024;
function describeSystemError(error) {
  const code = error.code;
  const words = {
    ENOENT: "no such file",
    EACCES: "permission denied",
    EPERM: "permission denied",
    EISDIR: "it is a directory",
    ENOTDIR: "a part of the path is not a directory",
    EMFILE: "too many open files"
  };
  if (typeof code === "string") return `${words[code] ?? "system error"} (${code})`;
  return error instanceof Error ? error.message : String(error);
}
var SourceReadError = class extends Error {
  name = "SourceReadError";
};
async function openFileSource(stage, path, signal, start = 0, spans) {
  let handle;
  try {
    handle = await open(path, "r");
  } catch (error) {
    throw new SourceReadError(`${stage}: cannot open ${path}: ${describeSystemError(error)}`, {
      cause: error
    });
  }
  let closing;
  const close = () => {
    closing ??= handle.close().catch(() => void 0);
    return closing;
  };
  if (signal.aborted) await close();
  let position = start;
  if (start > 0) {
    const { size } = await handle.stat();
    if (size < start) {
      await close();
      throw new SourceReadError(
        `${stage}: ${path} holds ${size} bytes, fewer than the ${start} bytes the saved state says were read: it was replaced or truncated; delete the state key to read it from the start`
      );
    }
  }
  const remaining = spans?.map((span) => ({ ...span }));
  const readChunk = () => {
    const buffer = Buffer.allocUnsafe(FILE_CHUNK_BYTES);
    if (remaining !== void 0) return readSpan(buffer);
    return handle.read(buffer, 0, FILE_CHUNK_BYTES, start > 0 ? position : null).then(
      ({ bytesRead }) => {
        position += bytesRead;
        return { buffer, bytesRead };
      },
      (error) => ({ error })
    );
  };
  const readSpan = async (buffer) => {
    const spanList = remaining;
    while (spanList.length > 0 && spanList[0].start >= spanList[0].end)
      spanList.shift();
    const span = spanList[0];
    if (span === void 0) return { buffer, bytesRead: 0 };
    try {
      const length = Math.min(FILE_CHUNK_BYTES, span.end - span.start);
      const { bytesRead } = await handle.read(buffer, 0, length, span.start);
      span.start = bytesRead === 0 ? span.end : span.start + bytesRead;
      return bytesRead === 0 ? readSpan(buffer) : { buffer, bytesRead };
    } catch (error) {
      return { error };
    }
  };
  let ahead;
  return {
    async read() {
      if (closing !== void 0 || signal.aborted) return void 0;
      const outcome = await (ahead ?? readChunk());
      ahead = void 0;
      if ("error" in outcome) {
        await close();
        if (signal.aborted) return void 0;
        throw new SourceReadError(
          `${stage}: cannot read ${path}: ${describeSystemError(outcome.error)}`,
          { cause: outcome.error }
        );
      }
      const { buffer, bytesRead } = outcome;
      if (bytesRead === 0) {
        await close();
        return void 0;
      }
      if (closing === void 0 && !signal.aborted) ahead = readChunk();
      return bytesRead === FILE_CHUNK_BYTES ? buffer : buffer.subarray(0, bytesRead);
    },
    close
  };
}
function readableSource(stage, where, stream, signal) {
  let ended = false;
  let failure2;
  let closed = false;
  if (stream.destroyed === true || stream.readableEnded === true)
    throw new SourceReadError(
      `${stage}: cannot read ${where}: it was already read or destroyed (a stream can be read once)`
    );
  const onEnd = () => {
    ended = true;
  };
  const onError = (error) => {
    failure2 ??= error;
  };
  stream.on("end", onEnd);
  stream.on("error", onError);
  const detach = () => {
    stream.removeListener("end", onEnd);
    stream.removeListener("error", onError);
  };
  const fail = () => {
    throw new SourceReadError(
      `${stage}: cannot read ${where}: ${failure2 instanceof Error ? failure2.message : String(failure2)}`,
      { cause: failure2 }
    );
  };
  const waitForActivity = () => new Promise((resolve2) => {
    const wake = () => {
      stream.removeListener("readable", wake);
      stream.removeListener("end", wake);
      stream.removeListener("error", wake);
      stream.removeListener("close", wake);
      signal.removeEventListener("abort", wake);
      resolve2();
    };
    stream.on("readable", wake);
    stream.on("end", wake);
    stream.on("error", wake);
    stream.on("close", wake);
    signal.addEventListener("abort", wake);
  });
  return {
    async read() {
      for (; ; ) {
        if (closed || signal.aborted) return void 0;
        if (failure2 !== void 0) fail();
        const chunk = stream.read();
        if (chunk !== null && chunk !== void 0) {
          if (typeof chunk === "string") return Buffer.from(chunk, "utf8");
          if (chunk instanceof Uint8Array)
            return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
          throw new SourceReadError(
            `${stage}: cannot read ${where}: the stream gave a ${typeof chunk} chunk; a CSV stream must give bytes or strings`
          );
        }
        if (ended || stream.readableEnded === true) return void 0;
        if (stream.destroyed === true) {
          if (failure2 !== void 0) fail();
          throw new SourceReadError(
            `${stage}: cannot read ${where}: the stream closed before its end`
          );
        }
        await waitForActivity();
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      detach();
      stream.on("error", () => void 0);
      stream.destroy?.();
    }
  };
}
function prepend(first, rest) {
  let pending = first;
  return {
    read() {
      const chunk = pending;
      pending = void 0;
      return chunk !== void 0 ? Promise.resolve(chunk) : rest.read();
    },
    close: () => rest.close()
  };
}
async function gunzipIfCompressed(stage, where, source, signal, mustBeGzip) {
  let head = Buffer.alloc(0);
  for (; ; ) {
    let chunk;
    try {
      chunk = await source.read();
    } catch (error) {
      await source.close();
      throw error;
    }
    if (chunk === void 0) break;
    head = head.length === 0 ? chunk : Buffer.concat([head, chunk]);
    if (head.length >= 2) break;
  }
  const compressed = head.length >= 2 && head[0] === 31 && head[1] === 139;
  if (!compressed) {
    if (mustBeGzip && head.length > 0) {
      await source.close();
      throw new SourceReadError(
        `${stage}: cannot read ${where}: the name ends in .gz but it is not gzip data`
      );
    }
    return prepend(head, source);
  }
  const raw = prepend(head, source);
  async function* rawChunks() {
    for (; ; ) {
      const chunk = await raw.read();
      if (chunk === void 0) return;
      yield chunk;
    }
  }
  const input = Readable.from(rawChunks(), { objectMode: false });
  const gunzip = createGunzip();
  pipeline(input, gunzip, () => void 0);
  const inflated = readableSource(stage, where, gunzip, signal);
  return {
    read: () => inflated.read(),
    async close() {
      await inflated.close();
      input.destroy();
      await raw.close();
    }
  };
}

// src/internal/csv/recordBoundaries.ts
import { open as open2 } from "node:fs/promises";
var LF = 10;
var CR = 13;
var SPACE = 32;
function singleByte(what, value) {
  const bytes = Buffer.from(value, "utf8");
  if (bytes.length !== 1)
    throw new TypeError(`cannot split on record boundaries: ${what} must be one ASCII character`);
  return bytes[0];
}
var RecordBoundaryScanner = class {
  constructor(syntax, onBoundary) {
    this.onBoundary = onBoundary;
    this.delimiter = singleByte("the delimiter", syntax.delimiter);
    this.quote = singleByte("the quote character", syntax.quoteChar);
    this.escape = singleByte("the escape character", syntax.escapeChar);
    this.comment = syntax.comments === false ? void 0 : Buffer.from(syntax.comments, "utf8");
  }
  onBoundary;
  state = 0 /* LineStart */;
  offset = 0;
  commentMatched = 0;
  lineHasData = false;
  previous = -1;
  delimiter;
  quote;
  escape;
  comment;
  /** Scans `chunk`; returns `false` once `onBoundary` asked to stop. */
  push(chunk) {
    const next = { quote: -2, cr: -2 };
    let index = 0;
    while (index < chunk.length) {
      if (this.state === 0 /* LineStart */ && this.offset >= 3) {
        const end = this.plainLineEnd(chunk, index, next);
        if (end !== -1) {
          const dataLine = end - index > 1 && !(end - index === 2 && chunk[index] === CR);
          this.offset += end - index;
          this.previous = LF;
          index = end;
          this.lineHasData = dataLine;
          if (!this.boundary(this.offset)) return false;
          continue;
        }
      }
      const byte = chunk[index];
      index++;
      if (this.offset < 3 && this.state === 0 /* LineStart */ && this.isBom(byte)) {
        this.offset++;
        continue;
      }
      if (!this.step(byte)) return false;
      this.offset++;
      this.previous = byte;
    }
    return true;
  }
  /**
   * The fast way over most lines: a whole line from `index` with no quote, no lone `\r` and no
   * comment prefix ends at its `\n` whatever the delimiter, so the scan jumps there (the offset
   * just past it) with native searches instead of a step per byte; -1 when the line needs steps.
   */
  plainLineEnd(chunk, index, next) {
    if (this.comment !== void 0 && chunk[index] === this.comment[0]) return -1;
    const lf = chunk.indexOf(LF, index);
    if (lf === -1) return -1;
    if (next.quote !== -1 && next.quote < index) next.quote = chunk.indexOf(this.quote, index);
    if (next.quote !== -1 && next.quote < lf) return -1;
    if (next.cr !== -1 && next.cr < index) next.cr = chunk.indexOf(CR, index);
    if (next.cr !== -1 && next.cr < lf - 1) return -1;
    return lf + 1;
  }
  bomSeen = 0;
  isBom(byte) {
    const bom = [239, 187, 191];
    if (this.offset === this.bomSeen && bom[this.bomSeen] === byte) {
      this.bomSeen++;
      return true;
    }
    return false;
  }
  boundary(at) {
    const dataLine = this.lineHasData;
    this.lineHasData = false;
    this.state = 0 /* LineStart */;
    return this.onBoundary(at, dataLine) !== false;
  }
  /** A line break outside quotes: `\n` ends the record here, `\r` waits to see a `\n`. */
  lineBreak(byte) {
    if (byte === LF) return this.boundary(this.offset + 1);
    this.state = 6 /* AfterCr */;
    return true;
  }
  step(byte) {
    switch (this.state) {
      case 6 /* AfterCr */:
        if (byte === LF) return this.boundary(this.offset + 1);
        if (!this.boundary(this.offset)) return false;
        return this.step(byte);
      case 0 /* LineStart */:
        if (this.comment !== void 0 && byte === this.comment[0]) {
          this.commentMatched = 1;
          this.state = this.comment.length === 1 ? 7 /* Comment */ : 8 /* CommentPrefix */;
          return true;
        }
        return this.fieldStart(byte);
      case 8 /* CommentPrefix */:
        if (byte === this.comment[this.commentMatched]) {
          this.commentMatched++;
          if (this.commentMatched === this.comment.length) this.state = 7 /* Comment */;
          return true;
        }
        this.state = 0 /* LineStart */;
        for (const earlier of this.comment.subarray(0, this.commentMatched))
          this.stepData(earlier);
        return this.stepData(byte);
      case 7 /* Comment */:
        if (byte === LF || byte === CR) {
          this.lineHasData = false;
          return this.lineBreak(byte);
        }
        return true;
      default:
        return this.stepData(byte);
    }
  }
  stepData(byte) {
    switch (this.state) {
      case 0 /* LineStart */:
      case 1 /* FieldStart */:
        return this.fieldStart(byte);
      case 2 /* Unquoted */:
        if (byte === LF || byte === CR) return this.lineBreak(byte);
        if (byte === this.delimiter) this.state = 1 /* FieldStart */;
        return true;
      case 3 /* Quoted */:
        if (byte === this.quote) {
          if (this.escape !== this.quote && this.previous === this.escape) return true;
          this.state = 4 /* AfterQuote */;
        }
        return true;
      case 4 /* AfterQuote */:
        if (byte === this.quote && this.escape === this.quote) {
          this.state = 3 /* Quoted */;
          return true;
        }
        return this.afterClosingQuote(byte);
      case 5 /* AfterQuoteSpaces */:
        return this.afterClosingQuote(byte);
      default:
        return this.step(byte);
    }
  }
  afterClosingQuote(byte) {
    if (byte === SPACE) {
      this.state = 5 /* AfterQuoteSpaces */;
      return true;
    }
    if (byte === this.delimiter) {
      this.state = 1 /* FieldStart */;
      return true;
    }
    if (byte === LF || byte === CR) return this.lineBreak(byte);
    this.state = 3 /* Quoted */;
    return this.stepData(byte);
  }
  fieldStart(byte) {
    if (byte === LF || byte === CR) return this.lineBreak(byte);
    this.lineHasData = true;
    if (byte === this.quote) this.state = 3 /* Quoted */;
    else if (byte === this.delimiter) this.state = 1 /* FieldStart */;
    else this.state = 2 /* Unquoted */;
    return true;
  }
};
var SCAN_CHUNK_BYTES = 256 * 1024;
async function scanRecordBoundaries(path, syntax, onBoundary) {
  const scanner = new RecordBoundaryScanner(syntax, onBoundary);
  const handle = await open2(path, "r");
  try {
    const buffer = Buffer.allocUnsafe(SCAN_CHUNK_BYTES);
    for (; ; ) {
      const { bytesRead } = await handle.read(buffer, 0, SCAN_CHUNK_BYTES, null);
      if (bytesRead === 0) return;
      if (!scanner.push(buffer.subarray(0, bytesRead))) return;
    }
  } finally {
    await handle.close();
  }
}
async function headerRowEnd(path, syntax) {
  let end;
  await scanRecordBoundaries(path, syntax, (offset, dataLine) => {
    if (!dataLine) return true;
    end = offset;
    return false;
  });
  if (end !== void 0) return end;
  const handle = await open2(path, "r");
  try {
    return (await handle.stat()).size;
  } finally {
    await handle.close();
  }
}

// src/internal/csv/delimiterGuess.ts
var CANDIDATES = [",", ";", "	", "|"];
var PREVIEW_ROWS = 50;
function guessDelimiter(sample, final, parserFor) {
  let best = ",";
  let bestDelta = Infinity;
  let bestAverage = 0;
  for (const delimiter of CANDIDATES) {
    const parser = parserFor(delimiter);
    const entries = [...parser.push(sample).entries];
    if (final) entries.push(...parser.end().entries);
    let delta = 0;
    let total = 0;
    let rows = 0;
    let previous;
    for (const entry of entries.slice(0, PREVIEW_ROWS)) {
      if (!Array.isArray(entry) || entry.length === 0) continue;
      const count = entry.length;
      total += count;
      rows++;
      if (previous !== void 0) delta += Math.abs(count - previous);
      previous = count;
    }
    const average = rows === 0 ? 0 : total / rows;
    if (average > 1.99 && delta <= bestDelta && average > bestAverage) {
      best = delimiter;
      bestDelta = delta;
      bestAverage = average;
    }
  }
  return best;
}

// src/internal/csv/rowParser.ts
var BLANK_LINE = [];
function lineOf(parsed, index) {
  return parsed.lines[index];
}
var GUESS_AFTER_CHARS = 16 * 1024;
var GUESS_AFTER_LINES = 10;
var RAW_PREVIEW_CHARS = 1e3;
var LF2 = 10;
var CR2 = 13;
var SPACE2 = 32;
var NONE = [];
var FIELD = 0;
var UNQUOTED = 1;
var QUOTED = 2;
var QUOTE_AT_END = 3;
var AFTER_QUOTE = 4;
function countChar(text, char, from = 0, to = text.length) {
  let count = 0;
  let index = text.indexOf(char, from);
  while (index !== -1 && index < to) {
    count++;
    index = text.indexOf(char, index + 1);
  }
  return count;
}
var preview = (text) => text.length <= RAW_PREVIEW_CHARS ? text : `${text.slice(0, RAW_PREVIEW_CHARS)}\u2026`;
var utf8Bytes = (text) => Buffer.byteLength(text, "utf8");
function nextBreak(text, from) {
  const lf = text.indexOf("\n", from);
  const cr = text.indexOf("\r", from);
  return lf === -1 ? cr : cr === -1 ? lf : Math.min(lf, cr);
}
function heldPrefix(text, from, token) {
  for (let length = Math.min(token.length - 1, text.length - from); length > 0; length--)
    if (text.endsWith(token.slice(0, length))) return length;
  return 0;
}
var CsvRowParser = class _CsvRowParser {
  constructor(settings) {
    this.settings = settings;
    this.delimiterUsed = settings.delimiter === "auto" ? "," : settings.delimiter;
    if (settings.delimiter === "auto") this.sample = "";
    const resume = settings.resumeAt;
    if (resume !== void 0) {
      this.delimiterUsed = resume.delimiter;
      this.sample = void 0;
      this.line = resume.line;
      this.breakChar = resume.breakChar;
      this.rowSeen = true;
    }
  }
  settings;
  delimiterUsed;
  /** Text gathered to guess the delimiter from, while it is not known. */
  sample;
  sampleInvalid = [];
  /** The line break character that counts quoted line breaks, once a row has ended. */
  breakChar;
  /** Quoted `\n` and `\r` seen while `breakChar` is not known. */
  pendingLf = 0;
  pendingCr = 0;
  /** A row ended in `\r` at the end of a chunk: a `\n` starting the next one belongs to it. */
  pendingCr0 = false;
  /** The tail of a chunk that cannot be read before the next one (a comment or delimiter prefix). */
  held = "";
  /** Skipping up to the next line break (after a line cut at a size limit). */
  skipping = false;
  inComment = false;
  /** The physical line at the parse position. */
  line = 1;
  /** Whether a row that is not a blank line has been parsed. */
  rowSeen = false;
  /** Comment lines skipped so far. */
  commentLines = 0;
  // The chunk being parsed.
  text = "";
  invalid = NONE;
  invalidAt = 0;
  /** The next `\r`, `\n` and quote at or after the parse position (-2: not looked for yet). */
  nextCr = -2;
  nextLf = -2;
  nextQuote = -2;
  nextDelimiter = -2;
  out = { entries: [], lines: [] };
  // The row in progress.
  inRow = false;
  state = FIELD;
  fields = [];
  field = "";
  /** Exact UTF-8 bytes of `field` once it may pass the limit, else -1. */
  fieldBytes = -1;
  rowLine = 1;
  /** The row's text before the current chunk, and where its text in the current chunk starts. */
  rowRaw = "";
  rowStart = 0;
  rowBytes = -1;
  /** Invalid characters of the row before the current chunk, as offsets in `rowRaw`. */
  rowInvalid = [];
  rowHasInvalid = false;
  rowQuoted = false;
  /** Where the current (or last) quoted field opened: line, and offset in the row's text. */
  quoteLine = 0;
  quoteOffset = 0;
  /** Where the first malformed quoted field of the row opened, or 0. */
  malformedLine = 0;
  /** Spaces after a closing quote, waiting for what follows them. */
  spaces = "";
  /** The first field of the row over `maxFieldBytes` (1-based), or 0. */
  oversizedField = 0;
  /** Where that field opened, if it is quoted and holds line breaks. */
  oversizedOpen;
  /** The line where the row ended, and where in the current chunk. */
  rowEndLine = 1;
  rowEnd = 0;
  /** Where the parser is (after `end()`: where an appended file continues). */
  get position() {
    return { line: this.line, delimiter: this.delimiterUsed, breakChar: this.breakChar };
  }
  /** The delimiter in use (guessed or given). */
  get delimiter() {
    return this.delimiterUsed;
  }
  /**
   * Parses the rows that `text` completes; the unfinished last row waits for the next piece.
   * `invalid` holds the offsets in `text` of characters that stand for undecodable bytes.
   */
  push(text, invalid) {
    return this.feed(text, invalid ?? NONE, false);
  }
  /** Parses what is left at the end of the input. */
  end() {
    return this.feed("", NONE, true);
  }
  feed(text, invalid, final) {
    this.out = { entries: [], lines: [] };
    if (this.sample !== void 0) {
      for (const offset of invalid) this.sampleInvalid.push(this.sample.length + offset);
      this.sample += text;
      if (!final && !this.sampleIsEnough()) return this.out;
      const sample = this.sample;
      this.sample = void 0;
      this.delimiterUsed = guessDelimiter(sample, final, (delimiter) => {
        return new _CsvRowParser({ ...this.settings, delimiter, skipEmptyLines: true });
      });
      return this.feed(sample, this.sampleInvalid, final);
    }
    let piece = text;
    let offsets = invalid;
    if (this.held !== "") {
      piece = this.held + text;
      offsets = invalid.map((offset) => offset + this.held.length);
      this.held = "";
    }
    this.run(piece, offsets, final);
    return this.out;
  }
  /** Whether the sample holds enough lines to guess the delimiter from. */
  sampleIsEnough() {
    const sample = this.sample;
    if (sample.length >= GUESS_AFTER_CHARS) return true;
    let lines = 0;
    for (let at = nextBreak(sample, 0); at !== -1 && at < sample.length - 1; ) {
      if (++lines >= GUESS_AFTER_LINES) return true;
      at = nextBreak(sample, at + 1);
    }
    return false;
  }
  // ---- the chunk loop -----------------------------------------------------------------------
  useText(text, invalid) {
    this.text = text;
    this.invalid = invalid;
    this.invalidAt = 0;
    this.nextCr = -2;
    this.nextLf = -2;
    this.nextQuote = -2;
    this.nextDelimiter = -2;
  }
  /** The next line break at or after `at`, found once per line however many fields it has. */
  lineEnd(at) {
    const text = this.text;
    if (this.nextLf !== -1 && this.nextLf < at) this.nextLf = text.indexOf("\n", at);
    if (this.nextCr !== -1 && this.nextCr < at) this.nextCr = text.indexOf("\r", at);
    const lf = this.nextLf;
    const cr = this.nextCr;
    return lf === -1 ? cr : cr === -1 ? lf : Math.min(lf, cr);
  }
  run(text, invalid, final) {
    this.useText(text, invalid);
    let at = this.beginChunk();
    for (; ; ) {
      at = this.fastRows(at);
      if (at < this.text.length) {
        at = this.slowStep(at, final);
        continue;
      }
      const again = this.endChunk(final);
      if (again === void 0) return;
      at = again;
    }
  }
  /** Handles what the previous chunk left open at the start of this one; returns where to go on. */
  beginChunk() {
    const text = this.text;
    let at = 0;
    if (this.pendingCr0 && text.length > 0) {
      this.pendingCr0 = false;
      const crlf = text.charCodeAt(0) === LF2;
      if (crlf) at = 1;
      if (this.breakChar === void 0) this.learnBreak(crlf ? "\n" : "\r");
    }
    if (this.inRow) this.rowStart = at;
    return at;
  }
  learnBreak(char) {
    this.breakChar = char;
    this.line += char === "\r" ? this.pendingCr : this.pendingLf;
    this.pendingCr = 0;
    this.pendingLf = 0;
  }
  /**
   * Reads whole unquoted rows from `from` for as long as nothing special comes up; returns where
   * it stopped (the end of the text, or the start of a row for the general path).
   */
  fastRows(from) {
    if (this.inRow || this.skipping || this.inComment) return from;
    const text = this.text;
    const length = text.length;
    const { quoteChar, comments, maxFieldBytes, maxRowBytes } = this.settings;
    const delimiter = this.delimiterUsed;
    const cap = Math.min(maxFieldBytes, maxRowBytes);
    const greedy = this.settings.skipEmptyLines === "greedy";
    const invalid = this.invalid;
    const { entries, lines } = this.out;
    let at = from;
    let line = this.line;
    let cr = this.nextCr;
    let quote = this.nextQuote;
    let delimiterAt = this.nextDelimiter;
    const delimiterLength = delimiter.length;
    while (at < length) {
      let end = text.indexOf("\n", at);
      if (cr !== -1 && cr < at) cr = text.indexOf("\r", at);
      if (cr !== -1 && (end === -1 || cr < end)) end = cr;
      if (end === -1 || end === at) break;
      if (quote !== -1 && quote < at) quote = text.indexOf(quoteChar, at);
      if (quote !== -1 && quote < end) break;
      if (comments !== false && text.startsWith(comments, at)) break;
      if (this.invalidAt < invalid.length && invalid[this.invalidAt] < end) break;
      if ((end - at) * 3 > cap) break;
      if (end === cr && end + 1 === length) break;
      const fields = [];
      let start = at;
      for (; ; ) {
        if (delimiterAt !== -1 && delimiterAt < start) delimiterAt = text.indexOf(delimiter, start);
        if (delimiterAt === -1 || delimiterAt >= end) {
          fields.push(text.substring(start, end));
          break;
        }
        fields.push(text.substring(start, delimiterAt));
        start = delimiterAt + delimiterLength;
      }
      if (greedy && isBlankRow(fields)) {
        delimiterAt = -2;
        break;
      }
      if (end === cr) {
        if (this.breakChar === void 0) {
          this.line = line;
          this.learnBreak(text.charCodeAt(end + 1) === LF2 ? "\n" : "\r");
          line = this.line;
        }
        at = text.charCodeAt(end + 1) === LF2 ? end + 2 : end + 1;
      } else {
        if (this.breakChar === void 0) {
          this.line = line;
          this.learnBreak("\n");
          line = this.line;
        }
        at = end + 1;
      }
      entries.push(fields);
      lines.push(line);
      line++;
      this.rowSeen = true;
    }
    this.line = line;
    this.nextCr = cr;
    this.nextQuote = quote;
    this.nextDelimiter = delimiterAt;
    return at;
  }
  /** The general path: one step of the row in progress (or of a skipped line); returns where next. */
  slowStep(at, final) {
    if (this.skipping) return this.skipLine(at);
    if (this.inComment) return this.passComment(at);
    if (!this.inRow) {
      const { comments } = this.settings;
      const text = this.text;
      if (comments !== false) {
        if (text.startsWith(comments, at)) {
          this.inComment = true;
          return at + comments.length;
        }
        if (!final && comments.startsWith(text.slice(at))) return this.hold(at);
      }
      this.startRow(at);
    }
    return this.rowStep(at, final);
  }
  /** Keeps the rest of the text for the next chunk. */
  hold(at) {
    this.held = this.text.slice(at);
    this.text = this.text.slice(0, at);
    this.dropInvalid(Infinity);
    return at;
  }
  skipLine(at) {
    const end = nextBreak(this.text, at);
    if (end === -1) {
      this.dropInvalid(this.text.length);
      return this.text.length;
    }
    this.skipping = false;
    this.dropInvalid(end);
    return this.passBreak(end);
  }
  passComment(at) {
    const end = nextBreak(this.text, at);
    if (end === -1) {
      this.dropInvalid(this.text.length);
      return this.text.length;
    }
    this.inComment = false;
    this.commentLines++;
    this.dropInvalid(end);
    return this.passBreak(end);
  }
  /** Moves past the line break at `end`, counting the line; returns where the next line starts. */
  passBreak(end) {
    const text = this.text;
    this.line++;
    if (text.charCodeAt(end) === LF2) {
      if (this.breakChar === void 0) this.learnBreak("\n");
      return end + 1;
    }
    if (end + 1 === text.length) {
      this.pendingCr0 = true;
      return end + 1;
    }
    const crlf = text.charCodeAt(end + 1) === LF2;
    if (this.breakChar === void 0) this.learnBreak(crlf ? "\n" : "\r");
    return crlf ? end + 2 : end + 1;
  }
  dropInvalid(end) {
    while (this.invalidAt < this.invalid.length && this.invalid[this.invalidAt] < end)
      this.invalidAt++;
  }
  /** Whether invalid characters lie before `end` (consuming them). */
  takeInvalid(end) {
    const before = this.invalidAt;
    this.dropInvalid(end);
    return this.invalidAt > before;
  }
  // ---- a row --------------------------------------------------------------------------------
  startRow(at) {
    this.inRow = true;
    this.state = FIELD;
    this.fields = [];
    this.field = "";
    this.fieldBytes = -1;
    this.rowLine = this.line;
    this.rowRaw = "";
    this.rowStart = at;
    this.rowBytes = -1;
    this.rowInvalid = [];
    this.rowHasInvalid = false;
    this.rowQuoted = false;
    this.malformedLine = 0;
    this.spaces = "";
    this.oversizedField = 0;
    this.oversizedOpen = void 0;
  }
  /** The offset in the row's text of `at` in the current chunk. */
  rowOffset(at) {
    return this.rowRaw.length + (at - this.rowStart);
  }
  rowStep(at, final) {
    switch (this.state) {
      case FIELD:
        return this.fieldStart(at, final);
      case UNQUOTED:
        return this.unquoted(at, final);
      case QUOTED:
        return this.quoted(at, final);
      case QUOTE_AT_END:
        if (this.text.charCodeAt(at) === this.settings.quoteChar.charCodeAt(0)) {
          this.appendField(this.settings.quoteChar);
          this.state = QUOTED;
          return at + 1;
        }
        this.state = AFTER_QUOTE;
        return at;
      case AFTER_QUOTE:
        return this.afterQuote(at, final);
    }
  }
  fieldStart(at, final) {
    const text = this.text;
    if (at < text.length && text[at] === this.settings.quoteChar) {
      this.state = QUOTED;
      this.rowQuoted = true;
      this.quoteLine = this.line;
      this.quoteOffset = this.rowOffset(at);
      return at + 1;
    }
    this.state = UNQUOTED;
    return this.unquoted(at, final);
  }
  unquoted(at, final) {
    const text = this.text;
    const delimiter = this.delimiterUsed;
    const lineEnd = this.lineEnd(at);
    if (this.nextDelimiter !== -1 && this.nextDelimiter < at)
      this.nextDelimiter = text.indexOf(delimiter, at);
    const next = this.nextDelimiter;
    if (next !== -1 && (lineEnd === -1 || next < lineEnd)) {
      this.completeField(at, next);
      this.state = FIELD;
      return next + delimiter.length;
    }
    if (lineEnd !== -1) {
      this.completeField(at, lineEnd);
      return this.endRow(lineEnd);
    }
    const held = final || delimiter.length === 1 ? 0 : heldPrefix(text, at, delimiter);
    this.appendField(text.slice(at, text.length - held));
    if (held > 0) return this.hold(text.length - held);
    return text.length;
  }
  quoted(at, final) {
    const text = this.text;
    const { quoteChar, escapeChar } = this.settings;
    const quote = text.indexOf(quoteChar, at);
    if (quote === -1) {
      this.countQuotedBreaks(at, text.length);
      this.appendField(text.slice(at));
      return text.length;
    }
    this.countQuotedBreaks(at, quote);
    if (escapeChar === quoteChar) {
      if (quote + 1 === text.length) {
        this.appendField(text.slice(at, quote));
        this.state = final ? AFTER_QUOTE : QUOTE_AT_END;
        return quote + 1;
      }
      if (text[quote + 1] === quoteChar) {
        this.appendField(text.slice(at, quote + 1));
        return quote + 2;
      }
    } else if (quote > at ? text[quote - 1] === escapeChar : this.field.endsWith(escapeChar)) {
      if (quote > at) this.appendField(text.slice(at, quote - 1) + quoteChar);
      else this.field = this.field.slice(0, -1) + quoteChar;
      return quote + 1;
    }
    this.appendField(text.slice(at, quote));
    this.state = AFTER_QUOTE;
    return quote + 1;
  }
  afterQuote(at, final) {
    const text = this.text;
    const delimiter = this.delimiterUsed;
    let index = at;
    while (index < text.length && text.charCodeAt(index) === SPACE2) index++;
    if (index === text.length) {
      if (final) {
        this.completeQuoted();
        return index;
      }
      this.spaces += text.slice(at, index);
      return index;
    }
    const code = text.charCodeAt(index);
    if (text.startsWith(delimiter, index)) {
      this.completeQuoted();
      this.state = FIELD;
      return index + delimiter.length;
    }
    if (code === LF2 || code === CR2) {
      this.completeQuoted();
      return this.endRow(index);
    }
    if (!final && delimiter.length > 1 && delimiter.startsWith(text.slice(index))) {
      this.spaces += text.slice(at, index);
      return this.hold(index);
    }
    if (this.malformedLine === 0) this.malformedLine = this.quoteLine;
    this.appendField(this.settings.quoteChar + this.spaces + text.slice(at, index));
    this.spaces = "";
    this.state = QUOTED;
    return index;
  }
  countQuotedBreaks(from, to) {
    const text = this.text;
    if (this.breakChar !== void 0) this.line += countChar(text, this.breakChar, from, to);
    else {
      this.pendingLf += countChar(text, "\n", from, to);
      this.pendingCr += countChar(text, "\r", from, to);
    }
  }
  appendField(piece) {
    this.field += piece;
    const max = this.settings.maxFieldBytes;
    if (this.fieldBytes >= 0) this.fieldBytes += utf8Bytes(piece);
    else if (this.field.length * 3 > max) this.fieldBytes = utf8Bytes(this.field);
  }
  completeQuoted() {
    this.spaces = "";
    this.pushField(this.field, true);
  }
  /** An unquoted field ends at `end`. */
  completeField(from, end) {
    const piece = this.text.slice(from, end);
    this.pushField(this.field === "" ? piece : this.field + piece, false);
  }
  pushField(value, quoted) {
    const max = this.settings.maxFieldBytes;
    if (this.oversizedField === 0 && value.length * 3 > max && (this.fieldBytes > max || utf8Bytes(value) > max)) {
      this.oversizedField = this.fields.length + 1;
      if (quoted && this.quoteLine < this.line)
        this.oversizedOpen = { line: this.quoteLine, offset: this.quoteOffset };
    }
    this.fields.push(value);
    this.field = "";
    this.fieldBytes = -1;
  }
  /** The row ends at the line break at `end`: emits it (or its problem); returns where next. */
  endRow(end) {
    const open5 = this.oversizedOpen;
    if (open5 !== void 0) return this.cut("field", open5.line, open5.offset);
    const invalid = this.takeInvalid(end);
    this.rowHasInvalid ||= invalid || this.rowInvalid.length > 0;
    this.rowEndLine = this.line;
    this.rowEnd = end;
    const next = this.passBreak(end);
    this.emit();
    return next;
  }
  /** The row's text, up to `rowEnd` in the current chunk. */
  rawRow() {
    return this.rowRaw + this.text.slice(this.rowStart, Math.max(this.rowStart, this.rowEnd));
  }
  emit() {
    this.inRow = false;
    const fields = this.fields;
    const line = this.rowLine;
    const entry = this.problem() ?? (this.isBlank(fields) ? BLANK_LINE : fields);
    if (entry !== BLANK_LINE) this.rowSeen = true;
    this.out.entries.push(entry);
    this.out.lines.push(line);
  }
  problem() {
    const fields = this.fields;
    const line = this.rowLine;
    const maxRow = this.settings.maxRowBytes;
    const chars = this.rowRaw.length + (this.rowEnd - this.rowStart);
    if (this.malformedLine === 0 && !this.rowHasInvalid && this.oversizedField === 0 && chars * 3 <= maxRow)
      return void 0;
    const raw = this.rawRow();
    if (this.malformedLine !== 0) {
      const start = this.malformedLine;
      const end = this.rowEndLine;
      const span = end > start ? `; the field runs from line ${start} to line ${end}, ${end - start + 1} lines (a stray quote, perhaps)` : "";
      return {
        reason: `malformed quoted field: a quote inside a quoted field must be doubled${span}`,
        line: start,
        raw: preview(raw),
        fields,
        details: { endLine: end, lines: end - start + 1 }
      };
    }
    if (this.rowHasInvalid) return { reason: INVALID_UTF8, line, raw: preview(raw), fields };
    if (this.oversizedField !== 0)
      return {
        reason: `field ${this.oversizedField} is larger than maxFieldBytes (${this.settings.maxFieldBytes} bytes)`,
        line,
        raw: preview(raw)
      };
    if (utf8Bytes(raw) > maxRow)
      return {
        reason: `row larger than maxRowBytes (${maxRow} bytes)`,
        line,
        raw: preview(raw)
      };
    return void 0;
  }
  isBlank(fields) {
    if (this.rowQuoted) return false;
    const mode = this.blankMode();
    if (mode === false) return false;
    return mode === true ? fields.length === 1 && fields[0] === "" : isBlankRow(fields);
  }
  /** Which blank lines are skipped now: none, empty ones, or blank ones (`'greedy'`). */
  blankMode() {
    const { skipEmptyLines, skipLeadingEmptyLines } = this.settings;
    if (skipEmptyLines !== false) return skipEmptyLines;
    return skipLeadingEmptyLines && !this.rowSeen;
  }
  // ---- the end of a chunk -------------------------------------------------------------------
  /**
   * The chunk is used up: keeps the text of a row in progress, enforces the size limits on it,
   * and at the end of the input finishes it. Returns where to go on in a text to read again, or
   * `undefined` when this chunk is done.
   */
  endChunk(final) {
    if (final && this.inComment) {
      this.inComment = false;
      this.commentLines++;
    }
    if (!this.inRow) return void 0;
    const text = this.text;
    for (let index = this.invalidAt; index < this.invalid.length; index++)
      this.rowInvalid.push(this.rowOffset(this.invalid[index]));
    this.invalidAt = this.invalid.length;
    const piece = this.rowStart === 0 ? text : text.slice(this.rowStart);
    this.rowRaw += piece;
    this.rowStart = text.length;
    const maxRow = this.settings.maxRowBytes;
    if (this.rowBytes >= 0) this.rowBytes += utf8Bytes(piece);
    else if (this.rowRaw.length * 3 > maxRow) this.rowBytes = utf8Bytes(this.rowRaw);
    if (this.fieldBytes > this.settings.maxFieldBytes && this.state !== FIELD)
      return this.state === UNQUOTED ? this.cut("field", this.line, -1) : this.cut("field", this.quoteLine, this.quoteOffset);
    if (this.rowBytes > maxRow) return this.cut("row", this.rowLine, 0);
    if (final) this.finishRow();
    return void 0;
  }
  /** The input ended inside a row. */
  finishRow() {
    this.rowEnd = this.rowStart;
    const raw = this.rowRaw;
    if (this.state === QUOTED) {
      this.inRow = false;
      this.out.entries.push({
        reason: "unterminated quoted field (it swallows the rest of the input)",
        line: this.quoteLine,
        raw: preview(raw),
        fields: [...this.fields, this.field]
      });
      this.out.lines.push(this.quoteLine);
      return;
    }
    if (this.state === UNQUOTED || this.state === FIELD) this.completeField(0, 0);
    else this.completeQuoted();
    const open5 = this.oversizedOpen;
    if (open5 !== void 0) {
      this.cut("field", open5.line, open5.offset);
      return;
    }
    this.rowHasInvalid ||= this.rowInvalid.length > 0;
    this.rowEndLine = this.line;
    this.emit();
  }
  /**
   * A field (or row) passed its size limit: reports it, and reads again from the line after
   * `openLine`, where it opened (at `openOffset` of the row's text: a quote may have swallowed the
   * lines after it), or, with a negative offset, skips the rest of the line. Returns where to go
   * on in the text to read again.
   */
  cut(what, openLine, openOffset) {
    const field = what === "field";
    const max = field ? this.settings.maxFieldBytes : this.settings.maxRowBytes;
    const name = field ? "maxFieldBytes" : "maxRowBytes";
    const text = this.text;
    const full = this.rowRaw + (this.rowStart < text.length ? text.slice(this.rowStart) : "");
    const invalid = [...this.rowInvalid];
    for (let index = this.invalidAt; index < this.invalid.length; index++) {
      const offset = this.invalid[index];
      if (offset >= this.rowStart) invalid.push(this.rowOffset(offset));
    }
    this.inRow = false;
    this.rowSeen = true;
    this.out.entries.push({
      reason: `${what} larger than ${name} (${max} bytes), perhaps an unterminated quote; reading resumes at line ${openLine + 1}`,
      line: openLine,
      raw: preview(full)
    });
    this.out.lines.push(openLine);
    const lineBreak = openOffset < 0 ? -1 : nextBreak(full, openOffset);
    this.line = openLine;
    this.pendingLf = 0;
    this.pendingCr = 0;
    if (lineBreak === -1) {
      this.skipping = true;
      this.useText("", NONE);
      return 0;
    }
    this.line = openLine + 1;
    let resume = lineBreak + 1;
    if (full.charCodeAt(lineBreak) === CR2) {
      if (resume === full.length) this.pendingCr0 = true;
      else if (full.charCodeAt(resume) === LF2) resume++;
    }
    const again = invalid.filter((offset) => offset >= resume).map((offset) => offset - resume);
    this.useText(full.slice(resume), again);
    return 0;
  }
};
var INVALID_UTF8 = "invalid UTF-8 byte sequence: if the file is not UTF-8, pass its encoding (such as encoding: 'windows-1252' or 'latin1'), or strictEncoding: false to read such bytes as U+FFFD";
function isBlankRow(row) {
  for (const field of row) if (field.length > 0 && field.trim() !== "") return false;
  return true;
}
function rowText(row, delimiter, quoteChar) {
  return row.map(
    (field) => field.includes(quoteChar) || field.includes(delimiter) || field.includes("\n") || field.includes("\r") ? quoteChar + field.split(quoteChar).join(quoteChar + quoteChar) + quoteChar : field
  ).join(delimiter);
}

// src/internal/csv/textDecoding.ts
import { isUtf8 } from "node:buffer";
import { TextDecoder } from "node:util";
function createTextDecoding(encoding, strict, keepBom = false) {
  const canonical = new TextDecoder(encoding).encoding;
  return canonical === "utf-8" ? new Utf8Decoding(strict, keepBom) : new WhatwgDecoding(canonical);
}
var WhatwgDecoding = class {
  decoder;
  constructor(encoding) {
    this.decoder = new TextDecoder(encoding);
  }
  decode(chunk) {
    return { text: this.decoder.decode(chunk, { stream: true }) };
  }
  end() {
    return { text: this.decoder.decode() };
  }
};
var Utf8Decoding = class {
  constructor(strict, keepBom) {
    this.strict = strict;
    this.atStart = !keepBom;
  }
  strict;
  tail;
  atStart;
  decode(chunk) {
    const bytes = this.tail === void 0 ? chunk : Buffer.concat([this.tail, chunk]);
    const complete = completeLength(bytes);
    this.tail = complete < bytes.length ? Buffer.from(bytes.subarray(complete)) : void 0;
    return this.finish(bytes, complete);
  }
  end() {
    const bytes = this.tail;
    this.tail = void 0;
    return bytes === void 0 ? { text: "" } : this.finish(bytes, bytes.length);
  }
  finish(bytes, end) {
    let text = bytes.toString("utf8", 0, end);
    let shift = 0;
    if (this.atStart && text.length > 0) {
      this.atStart = false;
      if (text.charCodeAt(0) === 65279) {
        text = text.slice(1);
        shift = 1;
      }
    }
    if (!this.strict || isUtf8(bytes.subarray(0, end))) return { text };
    return { text, invalid: findInvalidBytes(bytes, end, shift) };
  }
};
function completeLength(bytes) {
  const length = bytes.length;
  const stop = Math.max(0, length - 4);
  let index = length - 1;
  while (index >= stop && (bytes[index] & 192) === 128) index--;
  if (index < stop) return length;
  const lead = bytes[index];
  const needed = lead >= 240 ? 4 : lead >= 224 ? 3 : lead >= 192 ? 2 : 1;
  return index + needed > length ? index : length;
}
var isContinuation = (byte) => byte !== void 0 && (byte & 192) === 128;
function sequenceLength(bytes, index, end) {
  const lead = bytes[index];
  const at = (offset) => index + offset < end ? bytes[index + offset] : void 0;
  const second = at(1);
  if (lead >= 194 && lead <= 223) return isContinuation(second) ? 2 : 0;
  if (lead >= 224 && lead <= 239) {
    if (second === void 0) return 0;
    if (lead === 224 && second < 160) return 0;
    if (lead === 237 && second > 159) return 0;
    return isContinuation(second) && isContinuation(at(2)) ? 3 : 0;
  }
  if (lead >= 240 && lead <= 244) {
    if (second === void 0) return 0;
    if (lead === 240 && second < 144) return 0;
    if (lead === 244 && second > 143) return 0;
    return isContinuation(second) && isContinuation(at(2)) && isContinuation(at(3)) ? 4 : 0;
  }
  return 0;
}
function brokenLength(bytes, index, end) {
  const lead = bytes[index];
  const at = (offset) => index + offset < end ? bytes[index + offset] : void 0;
  let needed;
  let low = 128;
  let high = 191;
  if (lead >= 194 && lead <= 223) needed = 2;
  else if (lead >= 224 && lead <= 239) {
    needed = 3;
    if (lead === 224) low = 160;
    if (lead === 237) high = 159;
  } else if (lead >= 240 && lead <= 244) {
    needed = 4;
    if (lead === 240) low = 144;
    if (lead === 244) high = 143;
  } else return 1;
  const second = at(1);
  if (second === void 0 || second < low || second > high) return 1;
  let length = 2;
  while (length < needed && isContinuation(at(length))) length++;
  return length;
}
function findInvalidBytes(bytes, end, shift) {
  const offsets = [];
  let chars = -shift;
  for (let index = 0; index < end; ) {
    const byte = bytes[index];
    if (byte < 128) {
      chars++;
      index++;
      continue;
    }
    const length = sequenceLength(bytes, index, end);
    if (length > 0) {
      chars += length === 4 ? 2 : 1;
      index += length;
      continue;
    }
    offsets.push(chars);
    chars++;
    index += brokenLength(bytes, index, end);
  }
  return offsets;
}

// src/internal/csv/valueTyping.ts
var NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
var INTEGER = /^-?(?:0|[1-9]\d*)$/;
var ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
function daysInMonth(year, month) {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}
function toDate(value) {
  const match = ISO_DATE.exec(value);
  if (match === null) return void 0;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return void 0;
  if (match[4] !== void 0 && (Number(match[4]) > 23 || Number(match[5]) > 59)) return void 0;
  if (match[6] !== void 0 && Number(match[6]) > 59) return void 0;
  const date = new Date(value.length > 10 ? value.replace(" ", "T") : value);
  return Number.isNaN(date.getTime()) ? void 0 : date;
}
function valueTyper(settings) {
  const { numbers, booleans, dates, nulls } = settings;
  return (value) => {
    if (value === "") return nulls ? null : value;
    const first = value.charCodeAt(0);
    if (first >= 48 && first <= 57 || first === 45) {
      if (numbers && NUMBER.test(value)) {
        const number2 = Number(value);
        if (Number.isFinite(number2) && (!INTEGER.test(value) || Number.isSafeInteger(number2)))
          return number2;
      }
      if (dates) return toDate(value) ?? value;
      return value;
    }
    if (booleans && value.length <= 5) {
      const lower = value.toLowerCase();
      if (lower === "true") return true;
      if (lower === "false") return false;
    }
    return value;
  };
}

// src/internal/csv/recordShape.ts
function uniqueNames(header) {
  const named2 = header.map((name, index) => name === "" ? `column_${index + 1}` : name);
  const taken = new Set(named2);
  const seen = /* @__PURE__ */ new Set();
  return named2.map((name) => {
    if (!seen.has(name)) {
      seen.add(name);
      return name;
    }
    let suffix = 2;
    while (taken.has(`${name}_${suffix}`)) suffix++;
    const renamed = `${name}_${suffix}`;
    taken.add(renamed);
    seen.add(renamed);
    return renamed;
  });
}
function recordBuilder(names) {
  try {
    const key = (name) => name === "__proto__" ? `[${JSON.stringify(name)}]` : JSON.stringify(name);
    const body = names.map((name, index) => `${key(name)}: v[${index}]`).join(", ");
    return new Function("v", `return { ${body} }`);
  } catch {
    return (values) => {
      const record = {};
      for (let index = 0; index < names.length; index++)
        Object.defineProperty(record, names[index], {
          value: values[index],
          enumerable: true,
          writable: true,
          configurable: true
        });
      return record;
    };
  }
}

// src/internal/csv/csvReader.ts
var TEXT_CHUNK_CHARS = 64 * 1024;
function isReadable(input) {
  return typeof input === "object" && input !== null && typeof input.read === "function" && typeof input.on === "function";
}
function memoryText(text) {
  let offset = text.charCodeAt(0) === 65279 ? 1 : 0;
  return {
    async next() {
      if (offset >= text.length) return void 0;
      const piece = text.slice(offset, offset + TEXT_CHUNK_CHARS);
      offset += piece.length;
      return { text: piece, bytes: piece.length };
    },
    async close() {
      offset = text.length;
    }
  };
}
function decodedText(source, settings) {
  const decoding = createTextDecoding(settings.encoding, settings.strictEncoding);
  let ended = false;
  return {
    async next() {
      if (ended) return void 0;
      const chunk = await source.read();
      if (chunk !== void 0) {
        const { text: text2, invalid: invalid2 } = decoding.decode(chunk);
        return { text: text2, invalid: invalid2, bytes: chunk.length };
      }
      ended = true;
      const { text, invalid } = decoding.end();
      return { text, invalid, bytes: 0 };
    },
    close: () => source.close()
  };
}
async function openText(input, settings, signal, file) {
  const { stage } = settings;
  if (typeof input === "string" && settings.range !== void 0) {
    const spans = await rangeSpans(input, settings, settings.range);
    return decodedText(await openFileSource(stage, input, signal, 0, spans), settings);
  }
  if (typeof input === "string") {
    const opened = counted(await openFileSource(stage, input, signal, file.start), file);
    if (file.start > 0) return decodedText(opened, settings);
    const bytes = await gunzipIfCompressed(stage, input, opened, signal, input.endsWith(".gz"));
    return decodedText(bytes, settings);
  }
  if (isReadable(input)) {
    const stream = readableSource(stage, "the stream", input, signal);
    return decodedText(
      await gunzipIfCompressed(stage, "the stream", stream, signal, false),
      settings
    );
  }
  return memoryText(input.text);
}
function counted(source, file) {
  return {
    async read() {
      const chunk = await source.read();
      if (chunk !== void 0) {
        if (file.read === 0 && file.start === 0 && chunk[0] === 31 && chunk[1] === 139)
          file.compressed = true;
        file.read += chunk.length;
      }
      return chunk;
    },
    close: () => source.close()
  };
}
function savedPosition(stage, saved) {
  if (saved === void 0) return void 0;
  const file = saved?.file;
  if (typeof file !== "object" || file === null || !Number.isSafeInteger(file.offset) || !Number.isSafeInteger(file.line) || !Number.isSafeInteger(file.row) || typeof file.delimiter !== "string")
    throw new Error(
      `${stage}: the saved state holds ${JSON.stringify(saved)}, not a CSV file position; delete the state key to read the file from the start`
    );
  return file;
}
async function rangeSpans(path, settings, range) {
  if (!settings.header || range.start === 0) return [range];
  let headerEnd;
  try {
    headerEnd = await headerRowEnd(path, settings.rows);
  } catch (error) {
    throw new SourceReadError(
      `${settings.stage}: cannot open ${path}: ${describeSystemError(error)}`,
      { cause: error }
    );
  }
  if (range.start < headerEnd)
    throw new SourceReadError(
      `${settings.stage}: range ${range.start}-${range.end} of ${path} starts inside its header row (which ends at byte ${headerEnd})`
    );
  return [{ start: 0, end: headerEnd }, range];
}
async function openCsvReader(input, settings, signal) {
  const state = typeof input === "string" ? currentRun().state : void 0;
  const resume = savedPosition(settings.stage, await state?.positionOf(settings.stage));
  const file = { start: resume?.offset ?? 0, read: 0, compressed: false };
  const text = await openText(input, settings, signal, file);
  const rows = new CsvRowParser({
    ...settings.rows,
    skipEmptyLines: settings.skipEmptyLines,
    skipLeadingEmptyLines: settings.header,
    ...resume === void 0 ? {} : { resumeAt: resume }
  });
  const shaper = new RecordShaper(settings, () => rows.delimiter);
  if (resume !== void 0) shaper.resume(resume);
  const reached = () => {
    const shape = shaper.savedShape;
    if (state === void 0 || file.compressed || settings.header && shape.columns === void 0)
      return;
    const position = {
      file: { offset: file.start + file.read, ...shape, ...rows.position }
    };
    state.reach(settings.stage, position);
  };
  const details = () => ({
    blankLines: shaper.blankLines,
    commentLines: rows.commentLines
  });
  let done = false;
  return {
    async next() {
      try {
        while (!done) {
          const piece = await text.next();
          const items = [];
          const origins = { lines: [], rows: [] };
          const locate = (index) => shaper.origin(origins, index);
          if (piece === void 0) {
            done = true;
            await text.close();
            shaper.shape(rows.end(), items, origins);
            reached();
            return { done: false, value: { items, bytes: 0, details: details(), locate } };
          }
          shaper.shape(rows.push(piece.text, piece.invalid), items, origins);
          if (items.length > 0)
            return {
              done: false,
              value: { items, bytes: piece.bytes, details: details(), locate }
            };
        }
        return { done: true, value: void 0 };
      } catch (error) {
        done = true;
        await text.close();
        throw error;
      }
    },
    async return() {
      done = true;
      await text.close();
      return { done: true, value: void 0 };
    }
  };
}
var RecordShaper = class {
  constructor(settings, delimiter) {
    this.settings = settings;
    this.delimiter = delimiter;
    this.typer = settings.typing === void 0 ? void 0 : valueTyper(settings.typing);
    const { columns } = settings;
    this.awaitingHeader = settings.header;
    if (!settings.header && Array.isArray(columns)) this.useNames(columns);
  }
  settings;
  delimiter;
  names;
  width;
  build;
  row = 0;
  /** Blank lines skipped so far. */
  blankLines = 0;
  typer;
  awaitingHeader;
  /** Continues after a saved position: its columns and row count. */
  resume(position) {
    if (position.columns !== void 0) this.useNames(position.columns);
    else if (position.width !== void 0) this.width = position.width;
    this.row = position.row;
  }
  /** What a saved position keeps of the records' shape. */
  get savedShape() {
    return { row: this.row, columns: this.names, width: this.width };
  }
  useNames(names) {
    this.names = uniqueNames(names);
    this.width = this.names.length;
    this.build = recordBuilder(this.names);
  }
  location(line, row) {
    return {
      ...this.settings.file === void 0 ? {} : { file: this.settings.file },
      line,
      ...row === void 0 ? {} : { row }
    };
  }
  /** The location of the `index`th item of a batch whose origins were recorded in `origins`. */
  origin(origins, index) {
    return this.location(origins.lines[index], origins.rows[index]);
  }
  headerPending() {
    return this.awaitingHeader && this.names === void 0;
  }
  takeHeader(fields) {
    const { columns } = this.settings;
    if (columns === void 0) this.useNames(fields);
    else if (typeof columns === "function") this.useNames(columns(uniqueNames(fields)));
    else this.useNames(columns);
  }
  /** Appends the records and failures of `parsed` to `items` (typed by the caller's options). */
  shape(parsed, items, origins) {
    const { entries } = parsed;
    const { stage, trim } = this.settings;
    const typer = this.typer;
    for (let index = 0; index < entries.length; index++) {
      const entry = entries[index];
      if (entry === BLANK_LINE) {
        this.blankLines++;
        continue;
      }
      if (!Array.isArray(entry)) {
        let row2;
        if (this.headerPending() && entry.fields !== void 0) this.takeHeader(entry.fields);
        else row2 = ++this.row;
        origins.lines.push(0);
        origins.rows.push(0);
        items.push(
          left(
            failure("ParseError", {
              stage,
              reason: entry.reason,
              location: this.location(entry.line, row2),
              raw: entry.raw,
              ...entry.details === void 0 ? {} : { details: entry.details }
            })
          )
        );
        continue;
      }
      const fields = trim ? entry.map((field) => field.trim()) : entry;
      if (this.headerPending()) {
        this.takeHeader(fields);
        continue;
      }
      const row = ++this.row;
      const width = this.width ??= fields.length;
      if (fields.length !== width) {
        origins.lines.push(0);
        origins.rows.push(0);
        items.push(left(this.ragged(fields, width, lineOf(parsed, index), row)));
        continue;
      }
      const values = typer === void 0 ? fields : fields.map(typer);
      origins.lines.push(lineOf(parsed, index));
      origins.rows.push(row);
      items.push(right(this.build === void 0 ? values : this.build(values)));
    }
  }
  ragged(fields, width, line, row) {
    const found = fields.length;
    const raw = rowText(fields, this.delimiter(), this.settings.rows.quoteChar);
    return failure("ParseError", {
      stage: this.settings.stage,
      reason: `${found > width ? "too many" : "too few"} fields: expected ${width}, found ${found}`,
      location: this.location(line, row),
      raw,
      details: { expected: width, found }
    });
  }
};

// src/sources/fromCsv.ts
var DEFAULT_MAX_FIELD_BYTES = 1024 * 1024;
var DEFAULT_MAX_ROW_BYTES = 16 * 1024 * 1024;
var LINE_BREAKS = /[\r\n]/;
function resolveTyping(typed) {
  if (typed === void 0 || typed === false) return void 0;
  const choice = typed === true ? {} : typed;
  return {
    numbers: choice.numbers !== false,
    booleans: choice.booleans !== false,
    dates: choice.dates !== false,
    nulls: choice.nulls !== false
  };
}
function resolveSettings(input, options) {
  const file = typeof input === "string" ? input : void 0;
  const where = typeof input === "string" ? basename(input) : isReadable(input) ? "stream" : "text";
  const stage = options.name ?? `fromCsv ${where}`;
  const invalid = (what) => new TypeError(`${stage}: invalid option ${what}`);
  const delimiter = options.delimiter ?? ",";
  const quoteChar = options.quoteChar ?? '"';
  const escapeChar = options.escapeChar ?? quoteChar;
  const comments = options.comments ?? false;
  const maxFieldBytes = options.maxFieldBytes ?? DEFAULT_MAX_FIELD_BYTES;
  if (delimiter === "" || LINE_BREAKS.test(delimiter) || delimiter === quoteChar)
    throw invalid(
      `delimiter ${JSON.stringify(delimiter)}: it must be non-empty and not a line break or the quote`
    );
  if (quoteChar.length !== 1 || LINE_BREAKS.test(quoteChar))
    throw invalid(`quoteChar ${JSON.stringify(quoteChar)}: it must be one character`);
  if (escapeChar.length !== 1)
    throw invalid(`escapeChar ${JSON.stringify(escapeChar)}: it must be one character`);
  if (comments === "" || comments === delimiter || comments !== false && (comments.startsWith(quoteChar) || LINE_BREAKS.test(comments)))
    throw invalid(
      `comments ${JSON.stringify(comments)}: it must be non-empty, not the delimiter, not start with the quote and hold no line break`
    );
  const maxRowBytes = options.maxRowBytes ?? DEFAULT_MAX_ROW_BYTES;
  if (!(maxFieldBytes > 0)) throw invalid(`maxFieldBytes ${maxFieldBytes}: it must be positive`);
  if (!(maxRowBytes > 0)) throw invalid(`maxRowBytes ${maxRowBytes}: it must be positive`);
  const encoding = options.encoding ?? "utf-8";
  try {
    new TextDecoder2(encoding);
  } catch {
    throw invalid(`encoding ${JSON.stringify(encoding)}: not an encoding this runtime can decode`);
  }
  const range = options.range;
  if (range !== void 0) {
    if (file === void 0 || /\.gz$/i.test(file))
      throw invalid("range: it reads a part of an uncompressed file, not a stream or gzip data");
    if (!(Number.isInteger(range.start) && range.start >= 0 && range.end >= range.start))
      throw invalid(
        `range ${range.start}-${range.end}: it must be whole byte offsets, start <= end`
      );
    if (delimiter === "auto" || delimiter.length !== 1)
      throw invalid("range: it needs a one-character delimiter, not auto");
  }
  return {
    stage,
    file,
    range,
    header: options.header ?? true,
    columns: options.columns,
    trim: options.trim ?? false,
    skipEmptyLines: options.skipEmptyLines ?? true,
    comments,
    typing: resolveTyping(options.typed),
    encoding,
    strictEncoding: options.strictEncoding ?? true,
    rows: { delimiter, quoteChar, escapeChar, comments, maxFieldBytes, maxRowBytes }
  };
}
function fromCsv(input, options = {}) {
  const settings = resolveSettings(input, options);
  return pullSource(
    settings.stage,
    (signal) => openCsvReader(input, settings, signal)
  );
}

// src/internal/stageOperator.ts
import { Observable as Observable4 } from "rxjs";
import { isLeft as isLeft2, left as left2, right as right2 } from "fp-ts/lib/Either.js";
function stageOperator(name, setup, options = {}) {
  const oneToOne = options.oneToOne === true;
  return (input) => {
    const output = new Observable4(
      (subscriber) => {
        const run = currentRun();
        const stats = run.stage(name, "operator", depthOf(input) + 1);
        let handling = void 0;
        let ended = false;
        let timing = false;
        let downstream = 0;
        const send = (value) => {
          if (!timing) {
            subscriber.next(value);
            return;
          }
          const started = performance.now();
          subscriber.next(value);
          downstream += performance.now() - started;
        };
        const api = {
          run,
          stats,
          name,
          emit(record) {
            if (ended) return;
            stats.out += 1;
            if (handling !== void 0) run.derived(handling, record);
            send(right2(record));
          },
          passFailure(value) {
            send(left2(value));
          },
          fail(value) {
            if (ended) return;
            stats.failed += 1;
            send(left2(value));
          },
          transformError(record, error) {
            return api.failure("TransformError", {
              reason: describeError(error),
              cause: error,
              record
            });
          },
          failure(tag, init) {
            const origin = run.locationOf(init.record);
            const location = origin === void 0 ? init.location : { ...origin, ...init.location };
            return failure(tag, {
              ...init,
              stage: name,
              ...location === void 0 ? {} : { location }
            });
          },
          drop(reason, count = 1) {
            if (ended) return;
            stats.dropped += count;
            run.settle("dropped", count, reason);
          },
          isClosed: () => subscriber.closed || run.stopped !== void 0
        };
        const handlers = setup(api);
        const subscription = subscribeInput(run, name, input, {
          next(value) {
            if (isLeft2(value)) {
              subscriber.next(value);
              return;
            }
            stats.in += 1;
            if (oneToOne) handling = value.right;
            const outer = run.activeStage;
            run.activeStage = stats;
            const sampled = !timing && stats.busy.sample();
            const started = sampled ? performance.now() : 0;
            if (sampled) {
              timing = true;
              downstream = 0;
            }
            try {
              handlers.next(value.right);
            } catch (error) {
              api.fail(api.transformError(value.right, error));
            }
            if (sampled) {
              timing = false;
              stats.busy.addSample(performance.now() - started - downstream);
            }
            run.activeStage = outer;
            handling = void 0;
          },
          error(error) {
            subscriber.error(error);
          },
          complete() {
            const done = () => {
              run.finishStage(stats);
              subscriber.complete();
            };
            let pending;
            const outer = run.activeStage;
            run.activeStage = stats;
            const started = performance.now();
            timing = true;
            downstream = 0;
            try {
              pending = handlers.complete?.();
            } catch (error) {
              subscriber.error(named(name, error));
              return;
            } finally {
              timing = false;
              stats.busy.add(performance.now() - started - downstream);
              run.activeStage = outer;
            }
            if (pending === void 0) done();
            else {
              const awaited = performance.now();
              pending.then(
                () => {
                  stats.busy.addSpan(awaited, performance.now());
                  if (!subscriber.closed) done();
                },
                (error) => subscriber.error(named(name, error))
              );
            }
          }
        });
        return () => {
          subscription.unsubscribe();
          run.finishStage(stats);
          ended = true;
          handlers.teardown?.();
        };
      }
    );
    return withDepth(output, depthOf(input) + 1);
  };
}
function named(stage, error) {
  if (error instanceof Error && error.message.startsWith(`${stage}:`)) return error;
  return new Error(`${stage}: ${describeError(error)}`, { cause: error });
}

// src/operators/filter.ts
function filter(predicate, options = {}) {
  return stageOperator(options.name ?? "filter", (stage) => {
    let index = 0;
    return {
      next(record) {
        if (predicate(record, index++)) stage.emit(record);
        else stage.drop("filtered");
      }
    };
  });
}

// src/operators/map.ts
function map(fn, options = {}) {
  return stageOperator(
    options.name ?? "map",
    (stage) => {
      let index = 0;
      return {
        next(record) {
          stage.emit(fn(record, index++));
        }
      };
    },
    { oneToOne: true }
  );
}

// src/internal/runSink.ts
import { isLeft as isLeft3 } from "fp-ts/lib/Either.js";

// src/internal/branchRun.ts
import { AsyncLocalStorage as AsyncLocalStorage2 } from "node:async_hooks";
var scope = new AsyncLocalStorage2();
function joinBranch() {
  const slot = scope.getStore();
  if (slot === void 0 || slot.run !== void 0) return void 0;
  const run = new BranchRun(slot, { ...slot.parent.settings, name: slot.name, hooks: {} });
  slot.run = run;
  slot.joined(run);
  return run;
}
var BranchRun = class extends RunContext {
  constructor(slot, settings) {
    super(settings);
    this.slot = slot;
    slot.parent.onStop((stop) => this.stop(stop));
    if (slot.parent.stopped !== void 0) this.stop(slot.parent.stopped);
  }
  slot;
  setPolicy(policy) {
    throw new Error(
      `${this.settings.name}: a branch has no failure policy of its own (${policy.kind}); put the policy before the fanOut, route or partition \u2014 the run's policy applies to every branch`
    );
  }
  applyPolicy(failure2) {
    this.slot.parent.branchFailed(this.slot.name, failure2);
  }
  stop(stop) {
    super.stop(stop);
    this.slot.parent.stop(stop);
  }
  settle(outcome, count, reason, fromHeld = false, stage = this.activeStage) {
    super.settle(outcome, count, reason, fromHeld, stage);
    if (count > 0) this.slot.progressed();
  }
  hold(count, stage = this.activeStage) {
    super.hold(count, stage);
    this.slot.progressed();
  }
  holdUncommitted(count) {
    super.holdUncommitted(count);
    this.slot.progressed();
  }
  unblock(token) {
    super.unblock(token);
    this.slot.progressed();
  }
  /** Records of this branch whose budget is released: settled, in custody or uncommitted. */
  released() {
    return this.read + this.created - this.open;
  }
  /** The parent's source is about to wait for budget: batching sinks of this branch flush now. */
  stalled() {
    void this.capacity();
  }
};

// src/internal/progress.ts
var NONE2 = { stop: () => void 0 };
function startProgress(run, setting) {
  if (setting === void 0 || setting === false) return NONE2;
  const config = typeof setting === "object" ? setting : {};
  const stream = config.stream ?? process.stderr;
  const live = stream.isTTY === true;
  const intervalMs = config.intervalMs ?? (live ? 200 : 5e3);
  const started = performance.now();
  const line = () => {
    const seconds = (performance.now() - started) / 1e3;
    const rate = seconds > 0 ? Math.round(run.read / seconds) : 0;
    return `${run.settings.name}: read ${run.read.toLocaleString("en-US")} \xB7 written ${run.written.toLocaleString("en-US")} \xB7 failed ${run.failed.toLocaleString("en-US")} \xB7 ${rate.toLocaleString("en-US")} rec/s \xB7 ${seconds.toFixed(1)} s`;
  };
  let broken = false;
  const onError = () => {
    broken = true;
    clearInterval(timer);
  };
  stream.on("error", onError);
  const write = (text, written) => {
    if (broken) {
      written?.();
      return;
    }
    try {
      stream.write(text, () => written?.());
    } catch {
      onError();
      written?.();
    }
  };
  const timer = setInterval(() => {
    write(live ? `\r\x1B[2K${line()}` : `${line()}
`);
  }, intervalMs);
  timer.unref();
  return {
    stop(report) {
      clearInterval(timer);
      if (live) write("\r\x1B[2K");
      const release = () => {
        setImmediate(() => stream.removeListener("error", onError));
      };
      if (config.summary === false) release();
      else write(summaryTable(report), release);
    }
  };
}
function summaryTable(report) {
  const reasons = Object.entries(report.droppedByReason).map(([reason, count]) => `${reason} ${count}`).join(", ");
  const totals = `${report.name} ${report.status} in ${(report.durationMs / 1e3).toFixed(2)} s \u2014 read ${report.read}, created ${report.created}, written ${report.written}, dropped ${report.dropped}${reasons === "" ? "" : ` (${reasons})`}, merged ${report.merged}, failed ${report.failed}
`;
  const header = [
    "stage",
    "in",
    "out",
    "dropped",
    "failed",
    "created",
    "merged",
    "busy ms",
    "wall ms"
  ];
  const rows = report.stages.map((stage) => [
    stage.name,
    String(stage.in),
    String(stage.out),
    String(stage.dropped),
    String(stage.failed),
    String(stage.created),
    String(stage.merged),
    stage.busyMs === void 0 ? "-" : String(stage.busyMs),
    String(stage.wallMs)
  ]);
  const widths = header.map(
    (title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? "").length))
  );
  const format = (row) => row.map(
    (cell, column) => column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0)
  ).join("  ");
  return `${totals}${[header, ...rows].map(format).join("\n")}
`;
}

// src/internal/timeline.ts
var TIMELINE_MAX_SAMPLES = 240;
var TimelineSampler = class {
  constructor(run, intervalMs = 100) {
    this.run = run;
    this.intervalMs = intervalMs;
  }
  run;
  intervalMs;
  samples = [];
  started = performance.now();
  timer;
  stride = 1;
  tick = 0;
  start() {
    this.sample();
    this.timer = setInterval(() => {
      this.tick += 1;
      if (this.tick % this.stride === 0) this.sample();
    }, this.intervalMs);
    this.timer.unref();
    return this;
  }
  /** Takes a last sample and stops. */
  stop() {
    if (this.timer === void 0) return;
    clearInterval(this.timer);
    this.timer = void 0;
    this.sample();
  }
  toReport() {
    return { samples: this.samples.map((sample) => ({ ...sample, stages: { ...sample.stages } })) };
  }
  sample() {
    const stages = /* @__PURE__ */ Object.create(null);
    for (const stage of this.run.stages) stages[stage.name] = (stages[stage.name] ?? 0) + stage.out;
    this.samples.push({ atMs: Math.round(performance.now() - this.started), stages });
    if (this.samples.length > TIMELINE_MAX_SAMPLES) {
      const kept = this.samples.filter((_, index) => index % 2 === 0);
      this.samples.splice(0, this.samples.length, ...kept);
      this.stride *= 2;
    }
  }
};
function startTimeline(run, intervalMs) {
  const sampler = new TimelineSampler(run, intervalMs).start();
  Object.defineProperty(run.sections, "timeline", {
    enumerable: true,
    configurable: true,
    get: () => sampler.toReport()
  });
  return sampler;
}

// src/internal/html/escape.ts
function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char]);
}
var ESCAPES = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;"
};
function formatNumber(value, digits = 2) {
  if (!Number.isFinite(value)) return String(value);
  return value.toLocaleString("en-US", { maximumFractionDigits: digits });
}
function formatDuration(ms) {
  if (ms < 1e3) return `${Math.round(ms)} ms`;
  if (ms < 6e4) return `${(ms / 1e3).toFixed(1)} s`;
  const minutes = Math.floor(ms / 6e4);
  return `${minutes} min ${Math.round((ms - minutes * 6e4) / 1e3)} s`;
}

// src/internal/html/charts.ts
var PALETTE = ["#2f6fdf", "#e0762b", "#2a9d8f", "#c0392b", "#8e44ad", "#7f8c8d", "#d4a017"];
function colour(index) {
  return PALETTE[index % PALETTE.length];
}
function barChart(bars, options) {
  const rowHeight = 22;
  const labelWidth = 190;
  const barWidth = 360;
  const width = labelWidth + barWidth + 120;
  const height = bars.length * rowHeight + 6;
  const max = Math.max(1, ...bars.map((bar) => bar.value));
  const fill = options.colour ?? colour(0);
  const rows = bars.map((bar, index) => {
    const y = index * rowHeight + 3;
    const length = Math.max(1, bar.value / max * barWidth);
    const label = truncate(bar.label, 28);
    return `<g class="bar"><title>${escapeHtml(bar.label)}: ${formatNumber(bar.value)}</title><text x="${labelWidth - 8}" y="${y + 15}" text-anchor="end">${escapeHtml(label)}</text><rect x="${labelWidth}" y="${y + 3}" width="${length.toFixed(1)}" height="${rowHeight - 8}" fill="${fill}" rx="2"></rect><text x="${labelWidth + length + 6}" y="${y + 15}">${formatNumber(bar.value)}${bar.note === void 0 ? "" : ` ${escapeHtml(bar.note)}`}</text></g>`;
  });
  return svg(width, height, options.title, rows.join(""));
}
function lineChart(series, options) {
  const width = 680;
  const height = 260;
  const left3 = 70;
  const right3 = 20;
  const top = 16;
  const bottom = 46;
  const xs = series.flatMap((s) => s.points.map(([x]) => x));
  const ys = series.flatMap((s) => s.points.map(([, y]) => y));
  const xMax = Math.max(1e-9, ...xs);
  const yMax = Math.max(1, ...ys);
  const plotWidth = width - left3 - right3;
  const plotHeight = height - top - bottom;
  const sx = (x) => left3 + x / xMax * plotWidth;
  const sy = (y) => top + plotHeight - y / yMax * plotHeight;
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((share) => {
    const y = sy(share * yMax);
    return `<line x1="${left3}" x2="${width - right3}" y1="${y}" y2="${y}" class="grid"></line><text x="${left3 - 6}" y="${y + 4}" text-anchor="end">${formatNumber(share * yMax, 0)}</text>`;
  }).join("");
  const lines = series.map((s, index) => {
    const points = s.points.map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(" ");
    return `<polyline class="series" fill="none" stroke="${colour(index)}" stroke-width="2" points="${points}"><title>${escapeHtml(s.name)}</title></polyline>`;
  }).join("");
  const legend = series.map(
    (s, index) => `<g transform="translate(${left3 + index * 150},${height - 12})"><rect width="10" height="10" y="-9" fill="${colour(index)}"></rect><text x="14">${escapeHtml(truncate(s.name, 18))}</text></g>`
  ).join("");
  const axes = `<line x1="${left3}" x2="${left3}" y1="${top}" y2="${top + plotHeight}" class="axis"></line><line x1="${left3}" x2="${width - right3}" y1="${top + plotHeight}" y2="${top + plotHeight}" class="axis"></line><text x="${width - right3}" y="${top + plotHeight + 16}" text-anchor="end">${escapeHtml(options.xLabel)} (max ${formatNumber(xMax, 1)})</text><text x="12" y="${top + 4}" class="ylabel">${escapeHtml(options.yLabel)}</text>`;
  return svg(width, height, options.title, ticks + axes + lines + legend);
}
function histogramChart(bins, options) {
  const width = 360;
  const height = 150;
  const bottom = 28;
  const plotHeight = height - bottom - 6;
  const max = Math.max(1, ...bins.map((bin) => bin.count));
  const barWidth = width / Math.max(1, bins.length);
  const bars = bins.map((bin, index) => {
    const h = Math.max(1, bin.count / max * plotHeight);
    return `<rect class="bin" x="${(index * barWidth + 1).toFixed(1)}" y="${(6 + plotHeight - h).toFixed(1)}" width="${Math.max(1, barWidth - 2).toFixed(1)}" height="${h.toFixed(1)}" fill="${colour(2)}"><title>${formatNumber(bin.from)} \u2013 ${formatNumber(bin.to)}: ${formatNumber(bin.count)}</title></rect>`;
  }).join("");
  const first = bins[0];
  const last = bins[bins.length - 1];
  const labels = first === void 0 || last === void 0 ? "" : `<text x="0" y="${height - 8}">${formatNumber(first.from)}</text><text x="${width}" y="${height - 8}" text-anchor="end">${formatNumber(last.to)}</text>`;
  return svg(width, height, options.title, bars + labels);
}
function svg(width, height, title, body) {
  return `<svg class="chart" role="img" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}"><title>${escapeHtml(title)}</title>${body}</svg>`;
}
function truncate(text, max) {
  return text.length <= max ? text : `${text.slice(0, max - 1)}\u2026`;
}

// src/internal/html/flowDiagram.ts
function flowDiagram(rows) {
  const boxWidth = 150;
  const boxHeight = 74;
  const gap = 70;
  const rowHeight = boxHeight + 46;
  const widest = Math.max(1, ...rows.map((row) => row.stages.length));
  const width = widest * boxWidth + (widest - 1) * gap + 20;
  const height = rows.length * rowHeight + 10;
  const parts = [
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#555"></path></marker></defs>'
  ];
  rows.forEach((row, rowIndex) => {
    const y = rowIndex * rowHeight + (row.label === void 0 ? 8 : 26);
    if (row.label !== void 0)
      parts.push(`<text class="row-label" x="10" y="${y - 8}">${escapeHtml(row.label)}</text>`);
    row.stages.forEach((stage, index) => {
      const x = 10 + index * (boxWidth + gap);
      const notes = [
        stage.dropped > 0 ? `dropped ${formatNumber(stage.dropped)}` : "",
        stage.failed > 0 ? `failed ${formatNumber(stage.failed)}` : "",
        stage.created > 0 ? `created ${formatNumber(stage.created)}` : "",
        stage.merged > 0 ? `merged ${formatNumber(stage.merged)}` : ""
      ].filter((note) => note !== "");
      parts.push(
        `<g class="stage stage-${stage.kind}"><title>${escapeHtml(stage.name)} (${stage.kind}): in ${stage.in}, out ${stage.out}, dropped ${stage.dropped}, failed ${stage.failed}</title><rect x="${x}" y="${y}" width="${boxWidth}" height="${boxHeight}" rx="6"></rect><text x="${x + 10}" y="${y + 20}" class="stage-name">${escapeHtml(truncate(stage.name, 20))}</text><text x="${x + 10}" y="${y + 37}" class="stage-kind">${stage.kind}</text>` + notes.slice(0, 2).map(
          (note, line) => `<text x="${x + 10}" y="${y + 53 + line * 14}" class="stage-note">${note}</text>`
        ).join("") + "</g>"
      );
      const next = row.stages[index + 1];
      if (next !== void 0) {
        const x1 = x + boxWidth + 4;
        const x2 = x + boxWidth + gap - 4;
        const mid = y + boxHeight / 2;
        parts.push(
          `<g class="edge"><line x1="${x1}" y1="${mid}" x2="${x2}" y2="${mid}" marker-end="url(#arrow)"></line><text x="${(x1 + x2) / 2}" y="${mid - 7}" text-anchor="middle">${formatNumber(next.in)}</text></g>`
        );
      }
    });
  });
  return `<svg class="chart flow" role="img" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}"><title>Stages and the records that passed between them</title>${parts.join("")}</svg>`;
}

// src/internal/html/styles.ts
var STYLES = `
:root { color-scheme: light; --ink: #1d2430; --muted: #5f6b7a; --line: #d9dee5; --panel: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #fff; }
header, main, footer { max-width: 1180px; margin: 0 auto; padding: 0 24px; }
header { padding-top: 20px; border-bottom: 1px solid var(--line); }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 28px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 14px; margin: 18px 0 8px; }
h4 { font-size: 13px; margin: 0 0 6px; font-family: ui-monospace, Menlo, Consolas, monospace; }
.when, .aside { color: var(--muted); font-size: 13px; }
.status { font-size: 13px; padding: 2px 10px; border-radius: 12px; vertical-align: middle; color: #fff; }
.status-completed { background: #2a9d8f; } .status-failed { background: #c0392b; } .status-aborted { background: #d4a017; }
.cards { display: flex; flex-wrap: wrap; gap: 10px; }
.card { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 10px 16px; min-width: 120px; }
.card .figure { font-size: 22px; font-weight: 600; font-variant-numeric: tabular-nums; }
.card .label { color: var(--muted); }
.card-failed .figure { color: #c0392b; } .card-written .figure { color: #2a9d8f; }
.identity { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 13px; }
.identity.holds strong { color: #2a9d8f; } .identity.broken strong { color: #c0392b; }
table { border-collapse: collapse; margin: 8px 0; font-size: 13px; }
th, td { text-align: left; padding: 4px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
table.failures td.message { max-width: 620px; overflow-wrap: anywhere; }
.scroll { overflow-x: auto; }
svg.chart { max-width: 100%; height: auto; font-size: 12px; fill: var(--ink); }
svg .grid { stroke: #eceff3; } svg .axis { stroke: #8a94a3; }
svg.flow rect { fill: var(--panel); stroke: #8a94a3; }
svg.flow .stage-source rect { stroke: #2f6fdf; } svg.flow .stage-sink rect { stroke: #2a9d8f; }
svg.flow .stage-name { font-weight: 600; } svg.flow .stage-kind, svg.flow .stage-note { fill: var(--muted); font-size: 11px; }
svg.flow .edge line { stroke: #555; stroke-width: 1.5; } svg.flow .row-label { font-weight: 600; }
.pair { display: flex; flex-wrap: wrap; gap: 24px; }
.columns { display: grid; grid-template-columns: repeat(auto-fill, minmax(380px, 1fr)); gap: 14px; }
.column { border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; break-inside: avoid; }
.column table.figures th { color: var(--muted); font-weight: normal; width: 120px; }
footer { color: var(--muted); font-size: 12px; padding: 24px; }
@media print {
  body { font-size: 11px; } header, main, footer { max-width: none; padding: 0 8px; }
  section { break-inside: avoid-page; } .scroll { overflow: visible; }
  .status { color: #000; border: 1px solid #000; background: none; }
}
`;

// src/internal/html/page.ts
var FAILURES_SHOWN = 50;
function reportPage(report) {
  const sections = [
    summary(report),
    flow(report),
    time(report),
    outcomes(report),
    failures(report),
    profiles(report.profiles)
  ].filter((section2) => section2 !== "");
  return [
    "<!doctype html>",
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(`${report.name}: ${report.status}`)} \xB7 PowerFlow run report</title>`,
    `<style>${STYLES}</style></head><body>`,
    `<header><h1>${escapeHtml(report.name)} <span class="status status-${escapeHtml(report.status)}" data-field="status">${escapeHtml(report.status)}</span></h1>`,
    `<p class="when">${escapeHtml(report.startedAt)} \u2192 ${escapeHtml(report.finishedAt)} \xB7 ${formatDuration(report.durationMs)}</p></header>`,
    "<main>",
    ...sections,
    "</main>",
    "<footer>PowerFlow run report \xB7 self-contained: no scripts, no network</footer>",
    "</body></html>"
  ].join("\n");
}
function section(id, title, body) {
  return `<section id="${id}"><h2>${escapeHtml(title)}</h2>${body}</section>`;
}
function summary(report) {
  const cards = [
    ["read", report.read],
    ["created", report.created],
    ["written", report.written],
    ["dropped", report.dropped],
    ["merged", report.merged],
    ["failed", report.failed]
  ].map(
    ([name, value]) => `<div class="card card-${name}"><div class="figure" data-count="${name}">${formatNumber(value)}</div><div class="label">${name}</div></div>`
  ).join("");
  const left3 = report.read + report.created;
  const right3 = report.written + report.dropped + report.merged + report.failed;
  const holds = left3 === right3;
  const identity = `<p class="identity ${holds ? "holds" : "broken"}" data-field="identity">read + created = written + dropped + merged + failed: ${formatNumber(report.read)} + ${formatNumber(report.created)} = ${formatNumber(report.written)} + ${formatNumber(report.dropped)} + ${formatNumber(report.merged)} + ${formatNumber(report.failed)} <strong>${holds ? "\u2713 adds up" : `\u2717 ${formatNumber(left3)} \u2260 ${formatNumber(right3)}`}</strong></p>`;
  const extra = `<p class="aside">Most records in memory at once: ${formatNumber(report.maxInFlight)}` + (report.failuresOmitted > 0 ? ` \xB7 ${formatNumber(report.failuresOmitted)} failures beyond the report's cap are counted but not listed` : "") + "</p>";
  return section("summary", "Summary", `<div class="cards">${cards}</div>${identity}${extra}`);
}
function flow(report) {
  const rows = [{ stages: report.stages }];
  const branches = report["branches"];
  if (typeof branches === "object" && branches !== null) {
    for (const [name, branch] of Object.entries(branches))
      if (Array.isArray(branch?.stages))
        rows.push({ label: `branch ${name}`, stages: branch.stages });
  }
  const body = report.stages.length === 0 ? "<p>No stage ran.</p>" : `<div class="scroll">${flowDiagram(rows)}</div>${stageTable(report.stages)}`;
  return section("stages", "Stages", body);
}
function stageTable(stages) {
  const rows = stages.map((stage) => {
    const busy = stage.busyMs;
    return `<tr><td>${escapeHtml(stage.name)}</td><td>${stage.kind}</td>` + [stage.in, stage.out, stage.dropped, stage.failed, stage.created, stage.merged].map((value) => `<td class="num">${formatNumber(value)}</td>`).join("") + `<td class="num">${busy === void 0 ? "\u2013" : formatDuration(busy)}</td><td class="num">${formatDuration(stage.durationMs)}</td></tr>`;
  }).join("");
  return `<table class="stages"><thead><tr><th>stage</th><th>kind</th><th>in</th><th>out</th><th>dropped</th><th>failed</th><th>created</th><th>merged</th><th>busy</th><th>wall</th></tr></thead><tbody>${rows}</tbody></table>`;
}
function time(report) {
  const parts = [];
  const timeline = report.timeline;
  if (timeline !== void 0 && timeline.samples.length > 1)
    parts.push(
      `<h3>Throughput over time</h3><div class="scroll">${lineChart(throughput(timeline), {
        title: "Records per second out of each stage",
        xLabel: "seconds since start",
        yLabel: "records/s"
      })}</div>`
    );
  const busy = report.stages.map((stage) => ({
    label: stage.name,
    value: stage.busyMs ?? stage.durationMs
  }));
  const busyKnown = report.stages.some(
    (stage) => stage.busyMs !== void 0
  );
  if (busy.length > 0)
    parts.push(
      `<h3>Where the time went</h3><p class="aside">${busyKnown ? "Time each stage spent in its own work (ms)." : "Time from each stage\u2019s start to its end (ms)."}</p>` + barChart(busy, { title: "Milliseconds per stage", colour: "#e0762b" })
    );
  return parts.length === 0 ? "" : section("time", "Time", parts.join(""));
}
function throughput(timeline) {
  const names = [...new Set(timeline.samples.flatMap((sample) => Object.keys(sample.stages)))];
  return names.map((name) => {
    const points = [];
    for (let i = 1; i < timeline.samples.length; i++) {
      const before = timeline.samples[i - 1];
      const after = timeline.samples[i];
      if (before === void 0 || after === void 0) continue;
      const seconds = (after.atMs - before.atMs) / 1e3;
      if (seconds <= 0) continue;
      const passed = (after.stages[name] ?? 0) - (before.stages[name] ?? 0);
      points.push([after.atMs / 1e3, Math.max(0, passed / seconds)]);
    }
    return { name, points };
  });
}
function outcomes(report) {
  const dropped = Object.entries(report.droppedByReason).filter(([, count]) => count > 0).sort((a, b) => b[1] - a[1]).map(([reason, count]) => ({ label: reason, value: count }));
  const byTag = countBy(report.failures, (failure2) => failure2._tag);
  const byStage = countBy(report.failures, (failure2) => failure2.stage);
  const parts = [];
  parts.push(
    dropped.length === 0 ? "<h3>Dropped by reason</h3><p>No record was dropped.</p>" : `<h3>Dropped by reason</h3>${barChart(dropped, { title: "Records dropped, by reason", colour: "#7f8c8d" })}`
  );
  if (report.failures.length > 0)
    parts.push(
      `<div class="pair"><div><h3>Failures by kind</h3>${barChart(byTag, { title: "Failures by kind", colour: "#c0392b" })}</div><div><h3>Failures by stage</h3>${barChart(byStage, { title: "Failures by stage", colour: "#c0392b" })}</div></div>`
    );
  return section("outcomes", "Dropped and failed", parts.join(""));
}
function countBy(failures2, key) {
  const counts = /* @__PURE__ */ new Map();
  for (const failure2 of failures2) counts.set(key(failure2), (counts.get(key(failure2)) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1]).map(([label, value]) => ({ label, value }));
}
function failures(report) {
  if (report.failures.length === 0) return "";
  const shown = report.failures.slice(0, FAILURES_SHOWN);
  const rows = shown.map(
    (failure2) => `<tr class="failure"><td>${escapeHtml(failure2._tag)}</td><td>${escapeHtml(failure2.stage)}</td><td>${escapeHtml(place(failure2))}</td><td class="message">${escapeHtml(failure2.message)}</td></tr>`
  ).join("");
  const more = report.failures.length > shown.length || report.failuresOmitted > 0 ? `<p class="aside">Showing the first ${shown.length} of ${formatNumber(report.failed)} failures.</p>` : "";
  return section(
    "failures",
    "First failures",
    `<table class="failures"><thead><tr><th>kind</th><th>stage</th><th>where</th><th>message</th></tr></thead><tbody>${rows}</tbody></table>${more}`
  );
}
function place(failure2) {
  const location = failure2.location;
  if (location === void 0) return "";
  const parts = [];
  if (location.file !== void 0) parts.push(location.file);
  if (location.line !== void 0) parts.push(`line ${location.line}`);
  if (location.field !== void 0) parts.push(`field ${location.field}`);
  if (location.recordId !== void 0) parts.push(`record ${String(location.recordId)}`);
  return parts.join(", ");
}
function profiles(all) {
  if (all === void 0) return "";
  const parts = Object.entries(all).map(([stage, found]) => {
    const columns = Object.values(found.columns).map(columnCard).join("");
    const omitted = found.columnsOmitted > 0 ? `<p class="aside">${formatNumber(found.columnsOmitted)} more columns were not profiled.</p>` : "";
    return `<h3>${escapeHtml(stage)} <span class="aside">${formatNumber(found.records)} records</span></h3>${omitted}<div class="columns">${columns}</div>`;
  });
  return parts.length === 0 ? "" : section("profiles", "Profiles", parts.join(""));
}
function columnCard(column) {
  const figures = [
    ["type", `${column.type} (${formatNumber(column.typeShare * 100, 1)} % fit)`],
    ["missing", `${formatNumber(column.missing)} of ${formatNumber(column.count)}`],
    ["distinct \u2248", formatNumber(column.distinct)]
  ];
  if (column.min !== void 0) figures.push(["min", show(column.min)]);
  if (column.max !== void 0) figures.push(["max", show(column.max)]);
  if (column.mean !== void 0) figures.push(["mean", formatNumber(column.mean)]);
  if (column.stddev !== void 0) figures.push(["std dev", formatNumber(column.stddev)]);
  if (column.quantiles !== void 0)
    figures.push([
      "p50 / p95 / p99",
      `${formatNumber(column.quantiles.p50)} / ${formatNumber(column.quantiles.p95)} / ${formatNumber(column.quantiles.p99)}`
    ]);
  if (column.length !== void 0)
    figures.push([
      "length",
      `${column.length.min}\u2013${column.length.max} (mean ${formatNumber(column.length.mean, 1)})`
    ]);
  const table = figures.map(([name, value]) => `<tr><th>${escapeHtml(name)}</th><td>${escapeHtml(value)}</td></tr>`).join("");
  const chart = column.histogram !== void 0 && column.histogram.length > 0 ? histogramChart(column.histogram, { title: `Histogram of ${column.column}` }) : column.topValues.length > 0 ? barChart(
    column.topValues.map((top) => ({ label: top.value, value: top.count })),
    { title: `Most frequent values of ${column.column}`, colour: "#2f6fdf" }
  ) : '<p class="aside">No values.</p>';
  return `<div class="column" data-column="${escapeHtml(column.column)}"><h4>${escapeHtml(column.column)}</h4><table class="figures">${table}</table><div class="scroll">${chart}</div></div>`;
}
function show(value) {
  return typeof value === "number" ? formatNumber(value) : value.length > 40 ? `${value.slice(0, 39)}\u2026` : value;
}

// src/internal/writeFileAtomically.ts
import { randomBytes } from "node:crypto";
import { rename, rm, writeFile } from "node:fs/promises";
import { basename as basename2, dirname, join } from "node:path";
async function writeFileAtomically(path, text) {
  const temporary = join(
    dirname(path),
    `.${basename2(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`
  );
  try {
    await writeFile(temporary, text, { flush: true });
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw new Error(`${path}: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error
    });
  }
}

// src/internal/runState.ts
var RunState = class {
  constructor(options, runName) {
    this.options = options;
    this.runName = runName;
  }
  options;
  runName;
  loaded;
  reached = /* @__PURE__ */ new Map();
  get key() {
    return this.options.key;
  }
  /** The position `stage` saved in the last committed run, if any. Rejects if the state is unreadable. */
  async positionOf(stage) {
    return (await this.load())[stage];
  }
  /**
   * `stage` reached `position` in this run: saved at the commit. A function is asked at the
   * commit (a source whose position is known only then); `undefined` saves nothing.
   */
  reach(stage, position) {
    this.reached.set(stage, position);
  }
  /** Whether a source reached a position this run. */
  get changed() {
    return this.reached.size > 0;
  }
  /** Saves the positions reached (over the ones loaded) in one atomic put. */
  async commit() {
    const document = {
      version: 1,
      positions: { ...await this.load(), ...this.positionsReached() },
      committedAt: (/* @__PURE__ */ new Date()).toISOString()
    };
    try {
      await this.options.store.put(this.key, document);
    } catch (error) {
      throw new Error(
        `${this.runName}: the records were written, but saving the state ${JSON.stringify(this.key)} failed (the next run reads them again): ${describeError(error)}`,
        { cause: error }
      );
    }
    return document;
  }
  positionsReached() {
    const positions = {};
    for (const [stage, reached] of this.reached) {
      const position = typeof reached === "function" ? reached() : reached;
      if (position !== void 0) positions[stage] = position;
    }
    return positions;
  }
  load() {
    this.loaded ??= this.read();
    return this.loaded;
  }
  async read() {
    let value;
    try {
      value = await this.options.store.get(this.key);
    } catch (error) {
      throw new Error(
        `${this.runName}: cannot load the state ${JSON.stringify(this.key)}: ${describeError(error)}`,
        { cause: error }
      );
    }
    if (value === void 0) return {};
    const document = value;
    if (typeof document !== "object" || document === null || document.version !== 1 || typeof document.positions !== "object" || document.positions === null)
      throw new Error(
        `${this.runName}: the state ${JSON.stringify(this.key)} is not a run's state (expected { version: 1, positions }); another program may use the same key`
      );
    return document.positions;
  }
};

// src/internal/runSink.ts
var RUN_DEFAULTS = {
  highWaterMark: 2e3,
  highWaterBytes: 64 * 1024 * 1024,
  failureCap: 1e3,
  stallTimeoutMs: 3e4,
  /**
   * How long a stopped run waits for its sink to clean up (and for hooks' promises) before it
   * settles anyway; never longer than `stallTimeoutMs`.
   */
  stopPatienceMs: 2e3
};
function stopPatience(run) {
  return Math.min(run.settings.stallTimeoutMs, RUN_DEFAULTS.stopPatienceMs);
}
function runSink(flow3, sinkName, options, make) {
  const stageName = options.stageName ?? sinkName;
  const joined = joinBranch();
  const run = joined ?? new RunContext({
    name: options.name ?? stageName,
    highWaterMark: Math.max(1, options.highWaterMark ?? RUN_DEFAULTS.highWaterMark),
    highWaterBytes: options.highWaterBytes ?? RUN_DEFAULTS.highWaterBytes,
    failureCap: options.failureCap ?? RUN_DEFAULTS.failureCap,
    stallTimeoutMs: options.stallTimeoutMs ?? RUN_DEFAULTS.stallTimeoutMs,
    hooks: options.hooks ?? {}
  });
  if (joined === void 0 && options.state !== void 0)
    run.state = new RunState(options.state, run.settings.name);
  return new Promise((resolve2, reject) => {
    withRun(run, () => {
      run.callHook(
        "preRun",
        () => run.settings.hooks.preRun?.({
          name: run.settings.name,
          startedAt: run.startedAt.toISOString()
        })
      );
      run.startWatchdog();
      const stats = run.stage(stageName, "sink", depthOf(flow3) + 1);
      const progress = startProgress(run, options.progress);
      const timeline = startTimeline(run);
      const patience = stopPatience(run);
      let subscription;
      let sink;
      let ending = false;
      let settled = false;
      let aborted;
      let giveUp;
      const abortSink = () => {
        aborted ??= withinPatience(sink?.abort() ?? Promise.resolve(), patience).then(
          (inTime) => {
            if (!inTime)
              run.keep(
                failure("SinkError", {
                  stage: stageName,
                  reason: `the sink had not finished stopping ${patience} ms after the run stopped (a write or close that ignores its AbortSignal?); the run did not wait for it`
                })
              );
          },
          (error) => {
            run.keep(
              failure("SinkError", {
                stage: stageName,
                reason: `cleanup after the run stopped failed: ${describeError(error)}`,
                cause: error
              })
            );
          }
        );
        return aborted;
      };
      const finish = async (stop) => {
        if (settled) return;
        settled = true;
        clearTimeout(giveUp);
        options.signal?.removeEventListener("abort", onAbort);
        if (stop !== void 0) await abortSink();
        let deadLetter;
        try {
          deadLetter = await run.finishDeadLetter();
        } catch (error2) {
          deadLetter = error2.report;
          run.keep(
            failure("SinkError", {
              stage: "deadLetter",
              reason: `the dead-letter sink failed: ${describeError(error2)}`,
              cause: error2
            })
          );
        }
        if (deadLetter !== void 0) run.sections["deadLetter"] = deadLetter;
        await run.settleHooks(patience);
        timeline.stop();
        const report = run.report(stop?.status ?? "completed");
        progress.stop(report);
        const kept = run.failures.length;
        run.callHook("postRun", () => run.settings.hooks.postRun?.(report));
        await run.settleHooks(patience);
        run.stopWatchdog();
        if (run.failures.length > kept)
          report.failures.push(...run.failures.slice(kept));
        Object.assign(report, { failuresOmitted: run.failuresOmitted });
        if (options.htmlReport !== void 0) await writeHtmlReportOf(report, options.htmlReport);
        if (stop === void 0) {
          resolve2(report);
          return;
        }
        const error = stop.error;
        error.report = report;
        reject(error);
      };
      const onAbort = () => {
        const reason = options.signal?.reason;
        const detail = reason instanceof Error && reason.name !== "AbortError" ? `: ${reason.message}` : "";
        run.stop(
          new RunStop("aborted", new AbortError(`${run.settings.name}: run aborted${detail}`))
        );
      };
      run.onStop((stop) => {
        subscription?.unsubscribe();
        if (!ending) {
          void finish(stop);
          return;
        }
        void abortSink().then(() => {
          if (!settled) giveUp = setTimeout(() => void finish(run.stopped), patience);
        });
      });
      if (options.signal?.aborted === true) {
        onAbort();
        return;
      }
      options.signal?.addEventListener("abort", onAbort, { once: true });
      sink = make(run, stats);
      let ready = false;
      const early = [];
      const accept = (value) => {
        if (run.stopped !== void 0) return;
        if (isLeft3(value)) {
          run.fail(value.left);
          return;
        }
        stats.in += 1;
        const sampled = stats.busy.sample();
        const started2 = sampled ? performance.now() : 0;
        try {
          sink?.write(value.right);
          if (sampled) stats.busy.addSample(performance.now() - started2);
        } catch (error) {
          stats.failed += 1;
          run.fail(
            failure("SinkError", {
              stage: stageName,
              reason: describeError(error),
              cause: error,
              record: value.right,
              ...locatedAt(run.locationOf(value.right))
            })
          );
        }
      };
      const complete = () => {
        ending = true;
        run.inputEnded();
        const started2 = performance.now();
        sink.end().then(
          async () => {
            stats.busy.addSpan(started2, performance.now());
            run.finishStage(stats);
            const stop = run.stopped;
            if (stop?.status === "aborted" && run.unsettled() === 0) {
              await abortSink();
              void finish(await saveState(run, void 0));
            } else void finish(await saveState(run, stop));
          },
          (error) => {
            run.stop(new RunStop("failed", asRunError(error)));
            void finish(run.stopped);
          }
        );
      };
      subscription = subscribeInput(run, stageName, flow3, {
        next(value) {
          if (ready) accept(value);
          else early.push(value);
        },
        error(error) {
          run.stop(new RunStop("failed", asRunError(error)));
        },
        complete() {
          if (ready) complete();
          else early.push(COMPLETE);
        }
      });
      if (run.stopped !== void 0) subscription.unsubscribe();
      let started;
      try {
        started = sink.start?.();
      } catch (error) {
        started = Promise.reject(error);
      }
      const begin = () => {
        ready = true;
        for (const value of early.splice(0)) {
          if (value === COMPLETE) complete();
          else accept(value);
        }
      };
      if (started === void 0) begin();
      else
        started.then(begin, (error) => {
          run.stop(new RunStop("failed", asRunError(error)));
        });
    });
  });
}
var COMPLETE = /* @__PURE__ */ Symbol("complete");
async function writeHtmlReportOf(report, path) {
  try {
    await writeFileAtomically(path, reportPage(report));
  } catch (error) {
    ;
    report.failures.push(
      failure("SinkError", {
        stage: "htmlReport",
        reason: `could not write the HTML report ${path}: ${describeError(error)}`,
        cause: error
      })
    );
  }
}
async function saveState(run, stop) {
  if (stop !== void 0 || run.state === void 0) return stop;
  try {
    const saved = await run.state.commit();
    run.sections["state"] = { key: run.state.key, committedAt: saved.committedAt };
    return void 0;
  } catch (error) {
    run.stop(new RunStop("failed", asRunError(error)));
    return run.stopped;
  }
}
function withinPatience(work, ms) {
  let timer;
  const late = new Promise((resolve2) => {
    timer = setTimeout(() => resolve2(false), Math.min(ms, 2147483647));
  });
  return Promise.race([work.then(() => true), late]).finally(() => clearTimeout(timer));
}
function locatedAt(location) {
  return location === void 0 ? {} : { location };
}
function asRunError(error) {
  if (error instanceof RunError || error instanceof AbortError) return error;
  return new RunError(describeError(error), void 0, { cause: error });
}

// src/sinks/toCsv.ts
import { open as open4 } from "node:fs/promises";

// src/internal/atomicFile.ts
import { createReadStream } from "node:fs";
import { open as open3, readdir, rename as rename2, stat, truncate as truncate2, unlink } from "node:fs/promises";
import { randomBytes as randomBytes2 } from "node:crypto";
import { basename as basename3, dirname as dirname2, join as join2, resolve } from "node:path";
import { pipeline as pipeline2 } from "node:stream/promises";
import { createGunzip as createGunzip2, createGzip } from "node:zlib";

// src/internal/streamOutput.ts
var StreamOutput = class {
  constructor(stream, options) {
    this.stream = stream;
    this.options = options;
    if (stream.writableEnded || stream.destroyed)
      throw new Error(`${options.stage}: cannot write to ${options.label}: the stream has ended`);
    stream.on("error", this.onStreamError);
  }
  stream;
  options;
  existingBytes = 0;
  writesInPlace = true;
  removedTemporaryFiles = [];
  error = void 0;
  confirmed = 0;
  pending = 0;
  idle = [];
  errorListeners = [];
  done = false;
  onStreamError = (error) => {
    if (this.error !== void 0) return;
    this.error = new Error(
      `${this.options.stage}: cannot write to ${this.options.label}: ${describeError(error)}`,
      { cause: error }
    );
    for (const listener of this.errorListeners) listener(this.error);
    this.settleIdle();
  };
  get path() {
    return this.options.label;
  }
  get keptBytes() {
    return this.confirmed;
  }
  write(chunk, done) {
    this.pending += 1;
    return this.stream.write(chunk, (error) => {
      this.pending -= 1;
      if (error === null || error === void 0) this.confirmed += Buffer.byteLength(chunk);
      else this.onStreamError(error);
      done(error);
      if (this.pending === 0) this.settleIdle();
    });
  }
  onDrain(listener) {
    const drained = () => {
      this.stream.off("close", drained);
      this.stream.off("drain", drained);
      listener();
    };
    this.stream.once("drain", drained);
    this.stream.once("close", drained);
  }
  onError(listener) {
    this.errorListeners.push(listener);
  }
  /** Waits until every write was accepted; ends the stream if the output owns its end. */
  async commit(_rewrite, proceed = () => true) {
    try {
      await this.writesDone();
      if (this.error !== void 0) throw this.error;
      if (!proceed()) return void 0;
      if (this.options.end) await this.endStream();
      if (this.error !== void 0) throw this.error;
      return this.confirmed;
    } finally {
      this.release();
    }
  }
  /** Stops using the stream: what was written stays; it is ended if the output owns its end. */
  async discard() {
    try {
      await this.writesDone();
      if (this.options.end && this.error === void 0) await this.endStream();
    } finally {
      this.release();
    }
  }
  writesDone() {
    if (this.pending === 0 || this.error !== void 0) return Promise.resolve();
    return new Promise((resolve2) => this.idle.push(resolve2));
  }
  settleIdle() {
    const waiting = this.idle;
    this.idle = [];
    for (const wake of waiting) wake();
  }
  endStream() {
    return new Promise((resolve2) => {
      const finished = () => {
        this.stream.off("finish", finished);
        this.stream.off("close", finished);
        this.stream.off("error", finished);
        resolve2();
      };
      this.stream.once("finish", finished);
      this.stream.once("close", finished);
      this.stream.once("error", finished);
      this.stream.end();
    });
  }
  release() {
    if (this.done) return;
    this.done = true;
    this.stream.off("error", this.onStreamError);
    if (!this.stream.listeners("error").includes(ignore)) this.stream.on("error", ignore);
  }
};
function ignore() {
}

// src/internal/atomicFile.ts
var STREAM_HIGH_WATER = 512 * 1024;
var FileOutput = class _FileOutput {
  constructor(path, writingPath, handle, file, gzip, options, existingBytes) {
    this.path = path;
    this.writingPath = writingPath;
    this.handle = handle;
    this.file = file;
    this.gzip = gzip;
    this.options = options;
    this.existingBytes = existingBytes;
    const onError = (error) => {
      if (this.error !== void 0) return;
      this.error = new Error(
        `${options.stage}: cannot write ${this.path}: ${describeError(error)}`,
        { cause: error }
      );
      this.gzip?.destroy();
      this.file.destroy();
      for (const listener of this.errorListeners) listener(this.error);
    };
    file.on("error", onError);
    gzip?.on("error", onError);
  }
  path;
  writingPath;
  handle;
  file;
  gzip;
  options;
  /** Size of the target before this run (append mode; 0 otherwise). */
  existingBytes;
  /** The first write or close error, if any. */
  error = void 0;
  finished = false;
  /** The second temporary file of a rewrite, once there is one. */
  secondPath = void 0;
  /** Bytes of whole chunks that reached the file (plain append mode): what a failure keeps. */
  confirmed = 0;
  errorListeners = [];
  /** Temporary files of this target that killed runs left behind, removed when it opened. */
  removedTemporaryFiles = [];
  /**
   * Opens the output: a new temporary file beside `target`, or `target` itself in append mode.
   * Rejects with a message naming the path when the directory is missing or not writable.
   */
  static async open(target, options) {
    const path = resolve(target);
    const directory = dirname2(path);
    const cannot = (reason, cause) => new Error(`${options.stage}: cannot write ${path}: ${reason}`, { cause });
    const targetStat = await stat(path).catch(() => void 0);
    if (targetStat?.isDirectory() === true) throw cannot("it is a directory");
    const writingPath = options.append === true ? path : join2(directory, `.${basename3(path)}.${process.pid}.${randomBytes2(6).toString("hex")}.tmp`);
    let handle;
    try {
      handle = await open3(writingPath, options.append === true ? "a" : "wx");
    } catch (error) {
      const code = error.code;
      if (code === "ENOENT") throw cannot(`the directory ${directory} does not exist`, error);
      if (code === "EACCES" || code === "EPERM")
        throw cannot(
          options.append === true ? "permission denied" : `permission denied in ${directory}`,
          error
        );
      if (code === "ENOTDIR") throw cannot(`${directory} is not a directory`, error);
      throw cannot(describeError(error), error);
    }
    const removed = await removeLitter(directory, basename3(path));
    const existingBytes = options.append === true ? (await handle.stat()).size : 0;
    const file = handle.createWriteStream({
      highWaterMark: STREAM_HIGH_WATER,
      flush: options.fsync !== false
    });
    const gzip = options.gzip === true ? createGzip() : void 0;
    if (gzip !== void 0) gzip.pipe(file);
    const output = new _FileOutput(path, writingPath, handle, file, gzip, options, existingBytes);
    output.removedTemporaryFiles = removed;
    return output;
  }
  get head() {
    return this.gzip ?? this.file;
  }
  /** Writes a chunk; `done` is called once it reached the file (or the gzip stream). */
  write(chunk, done) {
    if (this.gzip !== void 0) return this.gzip.write(chunk, done);
    return this.file.write(chunk, (error) => {
      if (error === null || error === void 0) this.confirmed += Buffer.byteLength(chunk);
      done(error);
    });
  }
  /**
   * Whether each chunk is durable in the target as soon as its write is done: plain append mode.
   * Otherwise (a temporary file, or a gzip member that is whole only once ended) nothing counts
   * before the commit.
   */
  get writesInPlace() {
    return this.options.append === true && this.gzip === void 0;
  }
  /** Bytes this output added to the target that a failure keeps: whole chunks, in place. */
  get keptBytes() {
    return this.writesInPlace ? this.confirmed : 0;
  }
  onDrain(listener) {
    this.head.once("drain", listener);
  }
  onError(listener) {
    this.errorListeners.push(listener);
  }
  /** Bytes written to the file so far. */
  get bytes() {
    return this.file.bytesWritten;
  }
  /**
   * Ends the stream; resolves once the file is flushed (with `fsync`) and closed, so every write
   * has reached it. Rejects on a write error.
   */
  async finish() {
    if (this.finished) return;
    this.finished = true;
    if (!this.file.closed) {
      await new Promise((resolveClose) => {
        this.file.once("close", () => resolveClose());
        if (this.error === void 0) this.head.end();
      });
    }
    await this.handle.close();
    if (this.error !== void 0) throw this.error;
  }
  /**
   * Commits: finishes the file and renames it over the target (atomic mode). With `rewrite`,
   * the content first goes through that transform into a second temporary file — streamed, so
   * the file is never held in memory. Returns the size of the target's new content.
   *
   * `proceed` is asked just before the rename, the commit point: when it says no (the run was
   * aborted while the file was being closed or rewritten), the file is discarded, the target is
   * left as it was, and the result is `undefined`.
   */
  async commit(rewrite, proceed = () => true) {
    try {
      await this.finish();
      if (this.options.append === true) return this.bytes;
      let source = this.writingPath;
      let bytes = this.bytes;
      if (rewrite !== void 0 && proceed()) {
        source = await this.rewrite(rewrite);
        await unlink(this.writingPath);
        bytes = (await stat(source)).size;
      }
      if (!proceed()) {
        await this.discard();
        return void 0;
      }
      await rename2(source, this.path);
      if (this.options.fsync !== false) await syncDirectory(dirname2(this.path));
      return bytes;
    } catch (error) {
      const failure2 = error instanceof Error && error.message.startsWith(this.options.stage) ? error : new Error(`${this.options.stage}: cannot write ${this.path}: ${describeError(error)}`, {
        cause: error
      });
      try {
        await this.discard();
      } catch (cleanupError) {
        throw new CommitError(
          `${failure2.message}; removing the temporary file ${this.writingPath} failed too: ${describeError(cleanupError)}`,
          failure2.cause ?? failure2,
          cleanupError
        );
      }
      throw failure2;
    }
  }
  async rewrite(rewrite) {
    const second = `${this.writingPath}.2`;
    this.secondPath = second;
    const handle = await open3(second, "wx");
    try {
      const stages = [createReadStream(this.writingPath)];
      if (this.gzip !== void 0) stages.push(createGunzip2());
      stages.push(rewrite());
      if (this.gzip !== void 0) stages.push(createGzip());
      stages.push(handle.createWriteStream({ flush: this.options.fsync !== false }));
      await pipeline2(stages);
    } finally {
      await handle.close();
    }
    return second;
  }
  /**
   * Discards the output: destroys the stream, closes the file fully, and removes the temporary
   * file(s). In append mode the writes already queued complete (whole rows) and the file stays,
   * cut back to its last whole chunk after a failed write; a gzip member of this run is cut off.
   */
  async discard() {
    if (this.options.append === true) {
      const failed = await this.finish().then(
        () => this.error !== void 0,
        () => true
      );
      if (failed || this.gzip !== void 0)
        await truncate2(this.path, this.existingBytes + this.keptBytes);
      return;
    }
    if (!this.finished) {
      this.finished = true;
      this.gzip?.destroy();
      if (!this.file.closed) {
        await new Promise((resolveClose) => {
          this.file.once("close", () => resolveClose());
          this.file.destroy();
        });
      }
      await this.handle.close().catch(() => void 0);
    }
    await removeIfPresent(this.writingPath);
    if (this.secondPath !== void 0) await removeIfPresent(this.secondPath);
  }
};
var CommitError = class extends Error {
  constructor(message, cause, cleanupError) {
    super(message, { cause });
    this.cleanupError = cleanupError;
  }
  cleanupError;
};
var TEMPORARY_TAIL = /^(\d{1,10})\.[0-9a-f]{12}\.tmp(?:\.2)?$/;
async function removeLitter(directory, name) {
  const prefix = `.${name}.`;
  const removed = [];
  const entries = await readdir(directory).catch(() => []);
  for (const entry of entries) {
    if (!entry.startsWith(prefix)) continue;
    const match = TEMPORARY_TAIL.exec(entry.slice(prefix.length));
    if (match === null) continue;
    const pid = Number(match[1]);
    if (pid === process.pid || isAlive(pid)) continue;
    const path = join2(directory, entry);
    try {
      await unlink(path);
      removed.push(path);
    } catch {
    }
  }
  return removed;
}
function isAlive(pid) {
  if (!Number.isSafeInteger(pid) || pid <= 0) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === "EPERM";
  }
}
async function removeIfPresent(path) {
  try {
    await unlink(path);
  } catch (error) {
    if (error.code !== "ENOENT") throw error;
  }
}
async function syncDirectory(directory) {
  let handle;
  try {
    handle = await open3(directory, "r");
    await handle.sync();
  } catch {
  } finally {
    await handle?.close().catch(() => void 0);
  }
}
var CHUNK_CHARS = 64 * 1024;
function fileSinkSettings(stage, path, options) {
  return {
    stage,
    path,
    ...options.append === void 0 ? {} : { append: options.append },
    ...options.fsync === void 0 ? {} : { fsync: options.fsync },
    gzip: options.gzip ?? path.endsWith(".gz")
  };
}
function sinkTarget(sink, target, options) {
  if (typeof target === "string") {
    const stage2 = `${sink} ${basename3(target)}`;
    return { stage: stage2, settings: fileSinkSettings(stage2, target, options) };
  }
  if (typeof target !== "object" || target === null || typeof target.write !== "function")
    throw new TypeError(`${sink}: the target must be a file path or a Writable stream`);
  const standard = target === process.stdout ? "stdout" : target === process.stderr ? "stderr" : void 0;
  const path = target.path;
  const label = standard ?? (typeof path === "string" ? path : Buffer.isBuffer(path) ? path.toString() : "stream");
  const stage = `${sink} ${standard ?? (label === "stream" ? label : basename3(label))}`;
  const unusable = ["append", "gzip", "fsync"].filter(
    (name) => options[name] !== void 0
  );
  if (unusable.length > 0)
    throw new TypeError(
      `${stage}: ${unusable.join(", ")} apply to files, not to a stream (pipe the stream through zlib.createGzip() to gzip it)`
    );
  return {
    stage,
    settings: {
      stage,
      path: label,
      stream: target,
      endStream: standard === void 0 && options.end !== false
    }
  };
}
function fileSink(run, stats, settings, makeFormat) {
  const batchRecords = Math.max(1, Math.floor(run.settings.highWaterMark / 2));
  const token = {};
  let opening;
  let output;
  let format;
  let text = "";
  let pending = 0;
  let received = 0;
  let accepted = 0;
  let uncommitted = 0;
  let blocked = false;
  let committing;
  let unlisten;
  const opened = {};
  run.block(opened);
  const section2 = (bytes, committed) => {
    if (settings.stream !== void 0) {
      run.sections["stream"] = {
        name: settings.path,
        bytes,
        ended: committed
      };
      return;
    }
    const removed = output?.removedTemporaryFiles ?? [];
    run.sections["file"] = {
      path: output?.path ?? settings.path,
      bytes,
      committed,
      ...removed.length === 0 ? {} : { removedTemporaryFiles: removed }
    };
  };
  const flush = () => {
    if (output === void 0 || text === "" || run.stopped !== void 0) return;
    const chunk = text;
    const count = pending;
    text = "";
    pending = 0;
    run.beginWork();
    const inPlace = output.writesInPlace;
    const ready = output.write(chunk, (error) => {
      run.endWork();
      if (error !== null && error !== void 0) return;
      if (inPlace) {
        stats.out += count;
        run.settle("written", count);
      } else {
        uncommitted += count;
        run.holdUncommitted(count);
      }
    });
    if (!ready && !blocked) {
      blocked = true;
      run.block(token);
      output.onDrain(() => {
        blocked = false;
        run.unblock(token);
      });
    }
  };
  const stopListening = () => {
    run.unblock(opened);
    unlisten?.();
    unlisten = void 0;
    if (blocked) {
      blocked = false;
      run.unblock(token);
    }
  };
  return {
    async start() {
      const stream = settings.stream;
      opening = stream === void 0 ? FileOutput.open(settings.path, settings) : Promise.resolve().then(
        () => new StreamOutput(stream, {
          stage: settings.stage,
          label: settings.path,
          end: settings.endStream === true
        })
      );
      try {
        const out = await opening;
        output = out;
        section2(0, false);
        out.onError((error) => {
          run.stop(new RunStop("failed", new RunError(error.message, void 0, { cause: error })));
        });
        format = await makeFormat(out);
        text = format.start(out.existingBytes);
        unlisten = run.onStall(flush);
      } finally {
        run.unblock(opened);
      }
    },
    write(record) {
      received += 1;
      let line;
      try {
        line = format.record(record, accepted);
      } catch (error) {
        stats.failed += 1;
        run.fail(
          failure("SinkError", {
            stage: settings.stage,
            reason: describeError(error),
            cause: error,
            record,
            location: { file: settings.path, row: received },
            ...error instanceof RecordProblem && error.details !== void 0 ? { details: error.details } : {}
          })
        );
        return;
      }
      accepted += 1;
      text += line;
      pending += 1;
      if (text.length >= CHUNK_CHARS || pending >= batchRecords) flush();
    },
    async end() {
      const out = output;
      text += format.end(accepted, out.existingBytes);
      flush();
      stopListening();
      committing = out.commit(format?.rewrite?.(), () => run.stopped === void 0);
      const bytes = await committing;
      if (bytes === void 0) {
        section2(0, false);
        return;
      }
      if (uncommitted > 0) {
        stats.out += uncommitted;
        run.commit(uncommitted);
        uncommitted = 0;
      }
      section2(bytes, true);
    },
    async abort() {
      stopListening();
      text = "";
      if (committing !== void 0) {
        await committing.catch(() => void 0);
        return;
      }
      const out = output ?? await opening?.catch(() => void 0);
      if (out === void 0) return;
      await out.discard();
      section2(out.keptBytes, out.writesInPlace && settings.stream === void 0);
    }
  };
}
var RecordProblem = class extends Error {
  constructor(reason, details) {
    super(reason);
    this.reason = reason;
    this.details = details;
  }
  reason;
  details;
};

// src/internal/csvFormat.ts
import { Transform } from "node:stream";
import { StringDecoder } from "node:string_decoder";
var FORMULA_START = /^[=+\-@\t\r]/;
var escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\-]/g, "\\$&");
function checkDelimiter(stage, delimiter) {
  if (delimiter === "" || /["\r\n]/.test(delimiter))
    throw new TypeError(
      `${stage}: the delimiter ${JSON.stringify(delimiter)} must be non-empty and contain no quote, CR or LF`
    );
}
function cellFormatter(delimiter, formulaEscape) {
  const special = delimiter.length === 1 ? new RegExp(`["\\r\\n${escapeRegExp(delimiter)}]|^\\s|\\s$`) : new RegExp(`["\\r\\n]|${escapeRegExp(delimiter)}|^\\s|\\s$`);
  const quote = (text) => special.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  return (value) => {
    if (typeof value === "string")
      return quote(formulaEscape && FORMULA_START.test(value) ? `'${value}` : value);
    if (value === null || value === void 0) return "";
    if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint")
      return String(value);
    if (value instanceof Date) return value.toISOString();
    if (typeof value === "object") return quote(JSON.stringify(value) ?? "");
    return quote(String(value));
  };
}
function widenRows(options) {
  const decoder = new StringDecoder("utf8");
  const terminator = options.lineEnding.charCodeAt(0);
  const tail = options.lineEnding.length - 1;
  let started = false;
  let skippingBom = options.skipBom;
  let skippingHeader = options.skipHeader;
  let skipAfterHeader = 0;
  let inQuotes = false;
  let row = 0;
  let segment = 0;
  const padFor = (index) => {
    while (segment + 1 < options.segments.length && options.segments[segment + 1].fromRow <= index)
      segment += 1;
    const have = options.segments[segment].columns;
    return options.delimiter.repeat(Math.max(0, options.columns - have));
  };
  const convert = (text) => {
    let out = started ? "" : options.prefix;
    started = true;
    let from = 0;
    let index = 0;
    if (skippingBom && text.length > 0) {
      if (text.charCodeAt(0) === 65279) from = index = 1;
      skippingBom = false;
    }
    for (; index < text.length; index++) {
      if (skipAfterHeader > 0) {
        skipAfterHeader -= 1;
        from = index + 1;
        continue;
      }
      const code = text.charCodeAt(index);
      if (code === 34) inQuotes = !inQuotes;
      else if (code === terminator && !inQuotes) {
        if (skippingHeader) {
          skippingHeader = false;
          skipAfterHeader = tail;
          from = index + 1;
          continue;
        }
        out += text.slice(from, index) + padFor(row);
        row += 1;
        from = index;
      }
    }
    if (!skippingHeader && from < text.length) out += text.slice(from);
    return out;
  };
  return new Transform({
    transform(chunk, _encoding, callback) {
      callback(null, convert(decoder.write(chunk)));
    },
    flush(callback) {
      const rest = convert(decoder.end());
      callback(null, rest === "" ? void 0 : rest);
    }
  });
}
function parseFirstRow(text, delimiter) {
  const cells = [];
  let cell = "";
  let quoted = false;
  for (let index = text.charCodeAt(0) === 65279 ? 1 : 0; index < text.length; index++) {
    const char = text[index];
    if (quoted) {
      if (char !== '"') cell += char;
      else if (text[index + 1] === '"') {
        cell += '"';
        index += 1;
      } else quoted = false;
    } else if (char === '"') quoted = true;
    else if (text.startsWith(delimiter, index)) {
      cells.push(cell);
      cell = "";
      index += delimiter.length - 1;
    } else if (char === "\r" || char === "\n") {
      cells.push(cell);
      return cells;
    } else cell += char;
  }
  return void 0;
}

// src/sinks/toCsv.ts
function toCsv(target, options = {}) {
  const { stage, settings } = sinkTarget("toCsv", target, options);
  const delimiter = options.delimiter ?? ",";
  checkDelimiter(stage, delimiter);
  const lineEnding = options.lineEnding ?? "\r\n";
  if (lineEnding !== "\r\n" && lineEnding !== "\n" && lineEnding !== "\r")
    throw new TypeError(`${stage}: lineEnding must be '\\r\\n', '\\n' or '\\r'`);
  const extraColumns = options.extraColumns ?? "error";
  if ((options.append === true || settings.stream !== void 0) && extraColumns === "append")
    throw new TypeError(
      `${stage}: extraColumns 'append' rewrites the file, which ${options.append === true ? "append: true" : "a stream"} cannot do; list the columns instead`
    );
  return (flow3) => runSink(
    flow3,
    stage,
    options,
    (run, stats) => fileSink(
      run,
      stats,
      settings,
      async (output) => csvFormat(
        options.columns ?? (options.append === true && output.existingBytes > 0 && settings.gzip !== true ? await headerOf(output.path, stage, delimiter) : void 0),
        options,
        delimiter,
        lineEnding,
        extraColumns
      )
    )
  );
}
async function headerOf(path, stage, delimiter) {
  const handle = await open4(path, "r");
  try {
    const { buffer, bytesRead } = await handle.read({ buffer: Buffer.alloc(HEADER_LIMIT) });
    const columns = parseFirstRow(buffer.toString("utf8", 0, bytesRead), delimiter);
    if (columns !== void 0) return columns;
  } finally {
    await handle.close();
  }
  throw new Error(
    `${stage}: cannot append to ${path}: no header row in its first ${HEADER_LIMIT} bytes; give the columns`
  );
}
var HEADER_LIMIT = 1024 * 1024;
function csvFormat(initialColumns, options, delimiter, lineEnding, extraColumns) {
  const cell = cellFormatter(delimiter, options.formulaEscape === true);
  const bom = options.bom === true ? "\uFEFF" : "";
  let columns = initialColumns === void 0 ? void 0 : [...initialColumns];
  let known = new Set(columns);
  const segments = columns === void 0 ? [] : [{ fromRow: 0, columns: columns.length }];
  let writeHeader = options.header !== false;
  let headerWritten = false;
  let fileIsEmpty = true;
  const row = (cells) => cells === "" ? `""${lineEnding}` : cells + lineEnding;
  const headerRow = (names) => row(names.map(cell).join(delimiter));
  const head = () => {
    if (headerWritten) return "";
    headerWritten = true;
    let text = fileIsEmpty ? bom : "";
    if (writeHeader && columns !== void 0 && fileIsEmpty) text += headerRow(columns);
    return text;
  };
  const objectRow = (record, index) => {
    const names = columns;
    let line = "";
    let count = 0;
    for (const key in record) {
      if (key !== names[count]) {
        count = -1;
        break;
      }
      line += (count === 0 ? "" : delimiter) + cell(record[key]);
      count += 1;
    }
    if (count === names.length) return row(line);
    const extra = Object.keys(record).filter((key) => !known.has(key));
    if (extra.length > 0 && extraColumns === "error")
      throw new RecordProblem(
        `keys not in the columns: ${extra.join(", ")} (columns: ${names.join(", ")}; see extraColumns)`,
        { extraKeys: extra }
      );
    if (extra.length > 0 && extraColumns === "append") {
      names.push(...extra);
      for (const key of extra) known.add(key);
      segments.push({ fromRow: index, columns: names.length });
    }
    return row(names.map((name) => cell(valueOf(record, name))).join(delimiter));
  };
  return {
    start(existingBytes) {
      fileIsEmpty = existingBytes === 0;
      return "";
    },
    record(record, index) {
      if (typeof record !== "object" || record === null)
        throw new RecordProblem(
          `a CSV row needs an object or an array, not ${record === null ? "null" : typeof record}`
        );
      if (!headerWritten && columns === void 0) {
        if (Array.isArray(record)) writeHeader = false;
        else {
          columns = Object.keys(record);
          known = new Set(columns);
          segments.push({ fromRow: 0, columns: columns.length });
        }
      }
      let line;
      if (Array.isArray(record)) line = row(record.map(cell).join(delimiter));
      else if (columns === void 0)
        throw new RecordProblem("an object row in a file of array rows: give the columns");
      else line = objectRow(record, index);
      return headerWritten ? line : head() + line;
    },
    end(count) {
      return count === 0 && columns !== void 0 ? head() : "";
    },
    rewrite() {
      const first = segments[0];
      if (first === void 0 || columns === void 0 || first.columns === columns.length)
        return void 0;
      const final = columns;
      return () => widenRows({
        skipBom: bom !== "",
        skipHeader: writeHeader,
        prefix: bom + (writeHeader ? headerRow(final) : ""),
        lineEnding,
        delimiter,
        segments,
        columns: final.length
      });
    }
  };
}
function valueOf(record, name) {
  if (Object.hasOwn(record, name) || !(name in Object.prototype)) return record[name];
  return void 0;
}

// bench/jobs.ts
import * as t from "io-ts";
function keep(row) {
  return row["active"] === "true" && Number(row["amount"]) > 100;
}
function clean(row) {
  return {
    id: row["id"],
    email: row["email"].toLowerCase(),
    name: `${row["first_name"]} ${row["last_name"]}`,
    country: row["country"],
    company: row["company"],
    amount: (Number(row["amount"]) * 1.2).toFixed(2),
    created_at: row["created_at"]
  };
}
var CrmRecord = t.type({
  id: t.number,
  email: t.string,
  first_name: t.string,
  last_name: t.string,
  country: t.string,
  company: t.string,
  amount: t.number,
  created_at: t.string,
  active: t.boolean
});

// bench/distributed/job.ts
var rangeOf = (task) => task.start === void 0 || task.end === void 0 ? {} : { range: { start: task.start, end: task.end } };
var build = (task, context) => pipe(
  fromCsv(task.path, rangeOf(task)),
  filter(keep),
  map(clean),
  toCsv(context.output, { signal: context.signal })
);
function heavy(row) {
  let digest = row["email"] ?? "";
  for (let round = 0; round < 200; round++)
    digest = createHash("sha256").update(digest).digest("hex");
  return { ...row, digest };
}
var buildHeavy = (task, context) => pipe(
  fromCsv(task.path, rangeOf(task)),
  filter(keep),
  map(heavy),
  toCsv(context.output, { signal: context.signal })
);
export {
  build,
  buildHeavy,
  heavy
};
