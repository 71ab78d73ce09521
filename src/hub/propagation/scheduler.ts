// The scheduler: templates + (Cluster)PropagationPolicies + Clusters → ResourceBindings
// (docs/propagation.md, "Scheduler"). It watches policies, Clusters, ResourceBindings and the
// templates of every kind a policy selects (scheduler-watch.ts), and decides each affected
// template once per burst of changes (scheduler-queue.ts) with the pure logic of src/propagation/:
// which policy (select.ts), which clusters and replicas (schedule.ts), which dependencies
// (dependencies.ts) — then writes the binding only when the decision changed
// (scheduler-bindings.ts). A template no policy selects any more loses its binding, which is how
// the Work builder learns to remove it from the members.
//
// What wakes a template: its own changes that matter (labels, replicas, pod requests, references —
// not status writes), a change of a policy that selects or selected its kind, a Cluster change that
// can move placements (labels, spec, acceptance, deletion; Ready only for templates under
// failover; allocatable only under capacity-based division — heartbeats wake nothing), its
// requirers' decisions (dependencies), someone else changing its binding, and failover or
// toleration deadlines.
//
// A template's binding is found by what it binds (spec.resource, indexed), never by re-deriving
// its name: long or RBAC names are shortened with a hash (src/propagation/binding.ts). Decisions
// that change what the stored binding says are recorded as Events on the template and the binding
// (ApplyPolicySucceed when a policy starts placing it, ScheduleBindingSucceed/Failed with the
// clusters or why none fits: events.ts). Policies get a status saying whether their placement is
// valid and how many templates they place (scheduler-policy-status.ts).
import type { Logger } from "pino";
import { API_VERSION } from "../../apis/mcp.platform/v1/common.ts";
import type { KubeObject } from "../../apis/meta/types.ts";
import type { InternalClient } from "../../apiserver/client/internal-client.ts";
import type { Informer } from "../../apiserver/controllers/informer.ts";
import { sameJson } from "../../apiserver/handlers/prepare.ts";
import {
  bindingLocation,
  type DeliveryOptions,
  desiredBinding,
  type Requirer,
} from "../../propagation/binding.ts";
import type { GracefulEviction } from "../../propagation/failover.ts";
import { manifestKey } from "../../propagation/identity.ts";
import { DEFAULT_NAMESPACE, SYSTEM_NAMESPACES } from "../../propagation/propagatable.ts";
import type { TargetCluster } from "../../propagation/replicas.ts";
import { type ScheduledCondition, schedule } from "../../propagation/schedule.ts";
import { choosePolicy } from "../../propagation/select.ts";
import { DeadlineQueue } from "../clusters/deadlines.ts";
import { EventRecorder } from "../events/recorder.ts";
import { applyPolicyFailedEvent, decisionEvents } from "./events.ts";
import {
  aggregatedStatus,
  BindingCache,
  BindingWriter,
  bindingKeyOf,
  bindingResourceKey,
  bindingUpToDate,
  currentBinding,
  dependencyCondition,
  rv,
} from "./scheduler-bindings.ts";
import { ClusterTable } from "./scheduler-clusters.ts";
import {
  type PolicyInfo,
  parseTemplateKey,
  policyInfo,
  policyRef,
  type TemplateInfo,
  templateInfo,
  usesDynamicWeights,
  usesFailover,
} from "./scheduler-objects.ts";
import { PolicyStatusWriter } from "./scheduler-policy-status.ts";
import { SchedulerQueue } from "./scheduler-queue.ts";
import { RequirementIndex } from "./scheduler-requirements.ts";
import { TemplateWatch } from "./scheduler-watch.ts";

export interface SchedulerOptions {
  client: InternalClient;
  log: Logger;
  /** The clock failover and tolerations are judged by. Default Date.now. */
  now?: () => number;
  /** First retry delay after a failed pass. Default 500 ms. */
  retryMs?: number;
  /** Where events go (default: a recorder of its own, stopped with the scheduler). */
  events?: EventRecorder;
}

export interface PropagationScheduler {
  /** Resolves once everything was listed and every template decided once. */
  synced: Promise<void>;
  /** Decides every template again (what a deadline does for one). */
  resync(): void;
  /** Resolves when nothing is waiting to be decided (tests). */
  idle(): Promise<void>;
  /** Passes run and bindings written (created, changed or deleted) so far. */
  readonly stats: { passes: number; writes: number };
  stop(): Promise<void>;
}

/** What was decided for a template, as far as other decisions depend on it. */
interface Decision {
  policyKey?: string;
  /** Clusters holding the object: targets and graceful evictions. */
  delivered: string[];
  options: DeliveryOptions;
  dynamic: boolean;
  failover: boolean;
  evicting: boolean;
}

/** Kinds always watched: what workloads depend on, and Namespaces. */
const DEPENDENCY_TYPES = ["/ConfigMap", "/Secret", "/ServiceAccount", "/Namespace"];
const RANKS: Record<string, number> = {
  "/ConfigMap": 1,
  "/Secret": 1,
  "/ServiceAccount": 1,
  "/Namespace": 2,
};

export function startScheduler(opts: SchedulerOptions): PropagationScheduler {
  return new Scheduler(opts);
}

class Scheduler implements PropagationScheduler {
  readonly synced: Promise<void>;
  readonly stats = { passes: 0, writes: 0 };
  private readonly client: InternalClient;
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly writer: BindingWriter;
  private readonly queue: SchedulerQueue;
  private readonly deadlines: DeadlineQueue;
  private readonly watch: TemplateWatch;
  private readonly informers: Informer[];
  private readonly clusters = new ClusterTable();
  private readonly policies = new Map<string, PolicyInfo>();
  private readonly templates = new Map<string, TemplateInfo>();
  private readonly byType = new Map<string, Set<string>>();
  private readonly bindings = new BindingCache();
  private readonly events: EventRecorder;
  private readonly ownEvents: boolean;
  private readonly policyStatus: PolicyStatusWriter;
  private readonly decisions = new Map<string, Decision>();
  private readonly requirements = new RequirementIndex();
  private readonly warned = new Set<string>();
  /** Bindings this scheduler is writing: their events wait until the write returns (newest kept). */
  private readonly writing = new Map<string, KubeObject | undefined>();
  private ready = false;

  constructor(opts: SchedulerOptions) {
    this.client = opts.client;
    this.log = opts.log;
    this.now = opts.now ?? Date.now;
    this.writer = new BindingWriter(opts.client, this.now);
    this.ownEvents = !opts.events;
    this.policyStatus = new PolicyStatusWriter({
      client: opts.client,
      log: opts.log,
      lookup: (key) => this.policies.get(key),
    });
    this.events =
      opts.events ?? new EventRecorder({ client: opts.client, component: "mcp-scheduler", log: opts.log });
    this.queue = new SchedulerQueue({
      process: (key) => this.process(key),
      rank: (key) => RANKS[key.slice(0, key.indexOf("/", key.indexOf("/") + 1))] ?? 0,
      log: opts.log,
      retryMs: opts.retryMs,
    });
    this.deadlines = new DeadlineQueue((key) => this.queue.add(key), this.now);
    this.watch = new TemplateWatch(
      opts.client,
      {
        upsert: (obj) => this.templateUpsert(obj),
        delete: (obj) => this.templateGone(manifestKey(obj)),
        synced: (typeKey, all) => {
          const present = new Set(all.map(manifestKey));
          for (const key of [...(this.byType.get(typeKey) ?? [])])
            if (!present.has(key)) this.templateGone(key);
          // Bindings of this kind whose template was not there to be read while it was listing.
          for (const b of this.bindings.values()) {
            const key = bindingResourceKey(b);
            if (!present.has(key) && key.startsWith(`${typeKey}/`)) this.queue.add(key);
          }
        },
        forgotten: (typeKey) => {
          for (const key of [...(this.byType.get(typeKey) ?? [])]) this.templateGone(key);
        },
      },
      opts.log,
    );
    const c = opts.client;
    this.informers = [
      c.informer(API_VERSION, "Cluster", {
        upsert: (obj) => this.clusterUpsert(obj),
        delete: (obj) => this.clusterGone(obj.metadata.name!),
        synced: (all) => {
          const present = new Set(all.map((o) => o.metadata.name!));
          for (const name of this.clusters.names()) if (!present.has(name)) this.clusterGone(name);
        },
      }),
      ...["PropagationPolicy", "ClusterPropagationPolicy"].map((kind) =>
        c.informer(API_VERSION, kind, {
          upsert: (obj) => this.policyUpsert(obj),
          delete: (obj) => this.policyGone(policyInfo(obj)),
          synced: (all) => {
            const present = new Set(all.map((o) => policyInfo(o).key));
            for (const p of [...this.policies.values()])
              if (p.kind === kind && !present.has(p.key)) this.policyGone(p);
          },
        }),
      ),
      c.informer(API_VERSION, "ResourceBinding", {
        upsert: (obj) => this.bindingUpsert(obj),
        delete: (obj) => this.bindingGone(obj),
        synced: (all) => {
          const present = new Set(all.map(bindingKeyOf));
          for (const [key, b] of [...this.bindings]) if (!present.has(key)) this.bindingGone(b);
        },
      }),
    ];
    this.synced = this.init();
  }

  private async init(): Promise<void> {
    await Promise.all(this.informers.map((i) => i.synced));
    await this.watch.want(this.wantedTypes());
    this.ready = true;
    for (const key of this.templates.keys()) this.queue.add(key);
    for (const b of this.bindings.values()) this.queue.add(bindingResourceKey(b));
    await this.queue.start();
    this.policyStatus.start();
    this.log.info(
      { templates: this.templates.size, bindings: this.bindings.size, clusters: this.clusters.size },
      "scheduler synced",
    );
  }

  resync(): void {
    for (const key of this.templates.keys()) this.queue.add(key);
    for (const b of this.bindings.values()) this.queue.add(bindingResourceKey(b));
  }

  async idle(): Promise<void> {
    await this.queue.idle();
    await Promise.all([this.events.flush(), this.policyStatus.idle()]);
  }

  async stop(): Promise<void> {
    this.deadlines.stop();
    await this.queue.stop();
    await Promise.all([...this.informers.map((i) => i.stop()), this.watch.stop(), this.policyStatus.stop()]);
    if (this.ownEvents) await this.events.stop();
  }

  // --- events -------------------------------------------------------------------------------

  private wantedTypes(): Set<string> {
    const types = new Set(DEPENDENCY_TYPES);
    for (const p of this.policies.values()) for (const t of p.selectedTypes) types.add(t);
    return types;
  }

  private templateUpsert(obj: KubeObject): void {
    const info = templateInfo(obj);
    if (this.templates.get(info.key)?.signature === info.signature) return;
    this.templates.set(info.key, info);
    const keys = this.byType.get(info.typeKey) ?? new Set<string>();
    keys.add(info.key);
    this.byType.set(info.typeKey, keys);
    this.queue.add(info.key);
  }

  private templateGone(key: string): void {
    const info = this.templates.get(key);
    if (info) {
      this.templates.delete(key);
      this.byType.get(info.typeKey)?.delete(key);
    }
    this.queue.add(key);
  }

  private clusterUpsert(obj: KubeObject): void {
    const change = this.clusters.upsert(obj);
    if (!change) return;
    if (change.placement) this.redecidePlaced(() => true);
    else {
      if (change.readiness) this.redecidePlaced((d) => d.failover || d.evicting);
      if (change.capacity) this.redecidePlaced((d) => d.dynamic);
    }
  }

  private clusterGone(name: string): void {
    if (this.clusters.remove(name)) this.redecidePlaced(() => true);
  }

  /** Templates placed by a policy (dependencies follow their decisions). */
  private redecidePlaced(which: (d: Decision) => boolean): void {
    for (const [key, d] of this.decisions) if (d.policyKey && which(d)) this.queue.add(key);
  }

  private policyUpsert(obj: KubeObject): void {
    const info = policyInfo(obj);
    const prev = this.policies.get(info.key);
    if (prev?.signature === info.signature) return;
    this.policies.set(info.key, info);
    this.policyStatus.changed(info.key);
    this.policyChanged(prev, info);
  }

  private policyGone(p: PolicyInfo): void {
    const prev = this.policies.get(p.key);
    if (!prev) return;
    this.policies.delete(p.key);
    this.policyChanged(prev, undefined);
  }

  private policyChanged(prev: PolicyInfo | undefined, next: PolicyInfo | undefined): void {
    if (this.ready) void this.watch.want(this.wantedTypes());
    for (const t of new Set([...(prev?.selectedTypes ?? []), ...(next?.selectedTypes ?? [])]))
      for (const key of this.byType.get(t) ?? []) this.queue.add(key);
    const key = (prev ?? next)!.key;
    for (const [template, d] of this.decisions) if (d.policyKey === key) this.queue.add(template);
  }

  private bindingUpsert(b: KubeObject): void {
    const key = bindingKeyOf(b);
    if (this.writing.has(key)) {
      // Our own intermediate writes (spec, then status) must not look like someone else's.
      this.writing.set(key, b);
      return;
    }
    const prev = this.bindings.get(key);
    if (prev && rv(b) <= rv(prev)) return; // this scheduler's own write, already cached
    this.bindings.set(key, b);
    if (!this.ready) return;
    const specChanged =
      !prev ||
      !sameJson(prev.spec, b.spec) ||
      !sameJson(prev.metadata.ownerReferences, b.metadata.ownerReferences) ||
      !sameJson(prev.metadata.labels, b.metadata.labels);
    const evicting = ((b.spec as { gracefulEvictions?: unknown[] })?.gracefulEvictions ?? []).length > 0;
    const statusChanged = !sameJson(aggregatedStatus(prev), aggregatedStatus(b));
    if (specChanged || (evicting && statusChanged)) this.queue.add(bindingResourceKey(b));
  }

  private bindingGone(b: KubeObject): void {
    if (!this.bindings.delete(bindingKeyOf(b))) return;
    this.queue.add(bindingResourceKey(b));
  }

  // --- deciding -----------------------------------------------------------------------------

  private async process(key: string): Promise<void> {
    this.stats.passes++;
    const parsed = parseTemplateKey(key);
    const info = this.templates.get(key);
    const state = this.watch.state(`${parsed.group}/${parsed.kind}`);
    // Not listed yet, or of a kind not served (yet): absence proves nothing, leave its binding be.
    if (!info && (state === "syncing" || state === "unserved")) return;
    const own = this.bindings.ofTemplate(key);
    const loc = own ? splitKey(own) : bindingLocation(parsed);
    const existing = this.bindings.get(`${loc.namespace}/${loc.name}`);
    const owner = existing ? bindingResourceKey(existing) : key;
    if (owner !== key && this.templates.has(owner)) {
      // Two templates whose bindings would share a name (same name, kinds that differ only by group).
      if (info?.eligible && !this.warned.has(key)) {
        this.warned.add(key);
        this.log.warn(
          { template: key, binding: loc, holder: owner },
          "binding name taken by another template",
        );
        if (choosePolicy(this.policies.values(), info.selectable))
          this.events.record(
            applyPolicyFailedEvent(
              info.ref,
              `its ResourceBinding ${loc.namespace}/${loc.name} is taken by ${owner} (same name, a kind of another group)`,
            ),
          );
      }
      return;
    }
    const chosen = info?.eligible ? choosePolicy(this.policies.values(), info.selectable)?.policy : undefined;
    const requirers = info?.eligible ? this.requirersOf(key) : [];
    if (!info || (!chosen && requirers.length === 0)) {
      if (existing) {
        await this.writer.remove(loc.namespace, loc.name);
        this.bindings.delete(`${loc.namespace}/${loc.name}`);
        this.stats.writes++;
        this.log.debug({ template: key }, "template no longer selected; binding deleted");
      }
      this.record(key, undefined, []);
      return;
    }
    const result = chosen
      ? schedule({
          policy: chosen.scheduling,
          clusters: this.clusters.views(),
          current: currentBinding(existing, info.ref.uid),
          replicas: info.replicas,
          requests: info.requests,
          now: this.now(),
        })
      : undefined;
    const desired = desiredBinding({
      template: info.ref,
      at: loc,
      ...(chosen ? { policy: { ref: policyRef(chosen), options: chosen.options } } : {}),
      clusters: result?.clusters ?? [],
      replicas: info.replicas,
      evictions: result?.evictions,
      requiredBy: requirers,
    });
    const condition = result?.condition ?? dependencyCondition(requirers);
    if (!bindingUpToDate(existing, desired, condition)) {
      const stored = await this.writeBinding(desired, condition);
      this.log.debug(
        { template: key, clusters: (desired.spec as { clusters: unknown }).clusters },
        "binding written",
      );
      for (const e of decisionEvents(existing, stored, condition, chosen && policyRef(chosen)))
        this.events.record(e);
    }
    const spec = desired.spec as { clusters: TargetCluster[]; gracefulEvictions?: GracefulEviction[] };
    const evictions = spec.gracefulEvictions ?? [];
    const delivered = [
      ...new Set([...spec.clusters.map((c) => c.name), ...evictions.map((e) => e.cluster)]),
    ].sort();
    const decision: Decision = {
      ...(chosen ? { policyKey: chosen.key } : {}),
      delivered,
      options: chosen?.options ?? {},
      dynamic: !!chosen && usesDynamicWeights(chosen),
      failover: !!chosen && usesFailover(chosen),
      evicting: evictions.length > 0,
    };
    this.record(key, decision, chosen && delivered.length > 0 ? this.dependenciesOf(info, chosen) : []);
    if (result?.recheckAt !== undefined) this.deadlines.schedule(key, result.recheckAt);
    else this.deadlines.cancel(key);
  }

  private async writeBinding(desired: KubeObject, condition: ScheduledCondition): Promise<KubeObject> {
    const key = bindingKeyOf(desired);
    this.writing.set(key, undefined);
    let stored: KubeObject | undefined;
    try {
      stored = await this.writer.write(desired, condition);
      this.stats.writes++;
      return stored;
    } finally {
      const seen = this.writing.get(key);
      this.writing.delete(key);
      if (stored && (!this.bindings.has(key) || rv(stored) > rv(this.bindings.get(key))))
        this.bindings.set(key, stored);
      // Someone else's write that landed after ours is handled as usual.
      if (seen) this.bindingUpsert(seen);
    }
  }

  /** What a placed template needs in its clusters: its Namespace, and (propagateDeps) what its pods reference. */
  private dependenciesOf(info: TemplateInfo, policy: PolicyInfo): string[] {
    const deps = policy.propagateDeps ? [...info.dependencies] : [];
    const ns = info.ref.namespace;
    if (ns && ns !== DEFAULT_NAMESPACE && !SYSTEM_NAMESPACES.has(ns))
      deps.push(manifestKey({ apiVersion: "v1", kind: "Namespace", name: ns }));
    return deps;
  }

  private requirersOf(key: string): Requirer[] {
    const out: Requirer[] = [];
    for (const r of this.requirements.requirersOf(key)) {
      const d = this.decisions.get(r);
      const t = this.templates.get(r);
      if (d && t && d.delivered.length > 0)
        out.push({ ref: t.ref, clusters: d.delivered, options: d.options });
    }
    return out;
  }

  /** Remembers a decision; dependencies whose requirers or requirers' clusters changed are decided again. */
  private record(key: string, decision: Decision | undefined, dependencies: string[]): void {
    const prev = this.decisions.get(key);
    this.policyStatus.placed(key, decision?.policyKey);
    if (decision) this.decisions.set(key, decision);
    else {
      this.decisions.delete(key);
      this.deadlines.cancel(key);
    }
    const affected = new Set(this.requirements.set(key, dependencies));
    const moved =
      !sameJson(prev?.delivered, decision?.delivered) || !sameJson(prev?.options, decision?.options);
    if (moved) for (const d of dependencies) affected.add(d);
    for (const d of affected) this.queue.add(d);
  }
}

const splitKey = (key: string) => {
  const slash = key.indexOf("/");
  return { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
};
