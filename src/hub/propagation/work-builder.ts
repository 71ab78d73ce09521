// The work builder: bindings (+ templates, override policies, clusters) → one Work per cluster,
// mcp-system/<cluster>, created when the cluster first gets something and deleted with the
// Cluster. Every change marks the clusters it touches dirty (found through the cache's indexes,
// never by scanning every binding); a worker builds each dirty cluster's Work once per burst
// (src/hub/propagation/dirty-queue.ts) and writes it only when it changed, with optimistic
// concurrency (a Conflict re-reads and rebuilds). Revision rules: work-builder-plan.ts; what a
// cluster should hold: work-builder-desired.ts.
import type { Logger } from "pino";
import type { KubeObject } from "../../apis/meta/types.ts";
import type { InternalClient } from "../../apiserver/client/internal-client.ts";
import { ApiError } from "../../apiserver/errors.ts";
import { bindingClusters, bindingSpec, orphansOnRemoval } from "../../propagation/binding-spec.ts";
import { BINDING_ANNOTATION, manifestKey } from "../../propagation/identity.ts";
import { policySelects } from "../../propagation/overrides.ts";
import type { PropagationCache, PropagationListener } from "./cache.ts";
import { DirtyQueue } from "./dirty-queue.ts";
import type { PropagationMetrics } from "./metrics.ts";
import { kindKey } from "./templates.ts";
import { desiredManifests } from "./work-builder-desired.ts";
import { planWork } from "./work-builder-plan.ts";
import {
  appliedRevision,
  newWork,
  preservedBindings,
  updatedWork,
  workRef,
  workSpec,
} from "./work-object.ts";

export interface WorkBuilderOptions {
  client: InternalClient;
  cache: PropagationCache;
  log: Logger;
  metrics: PropagationMetrics;
  /** Wait after a cluster is first marked before building its Work (a burst lands in one write). Default 10 ms. */
  coalesceMs?: number;
  /**
   * Clusters built at once. Default 32: building is quick, the write is the wait, and writes
   * pending together share one commit (the SQLite store's group commit).
   */
  concurrency?: number;
  /** Most bytes of changed manifests one revision carries. Default 2 MiB. */
  revisionBudgetBytes?: number;
}

const MAX_ATTEMPTS = 8;

export class WorkBuilder implements PropagationListener {
  private readonly opts: WorkBuilderOptions;
  private readonly cache: PropagationCache;
  private readonly queue: DirtyQueue;
  /** Clusters waiting for a template kind's first list, by kind. */
  private readonly waiting = new Map<string, Set<string>>();
  /** Override failures: binding ref → cluster → message. */
  private readonly failures = new Map<string, Map<string, string>>();
  private readonly failuresByCluster = new Map<string, Set<string>>();
  private readonly failureListeners: ((binding: string) => void)[] = [];
  private started = false;

  constructor(opts: WorkBuilderOptions) {
    this.opts = opts;
    this.cache = opts.cache;
    this.queue = new DirtyQueue({
      process: (cluster, since) => this.build(cluster, since),
      log: opts.log,
      concurrency: opts.concurrency ?? 32,
      delayMs: opts.coalesceMs ?? 10,
    });
    this.cache.subscribe(this);
    void this.cache.synced.then(() => {
      this.started = true;
      for (const name of this.cache.clusters.keys()) this.mark(name);
      // Works of clusters that are gone: deleted by their pass.
      for (const name of this.cache.works.keys()) this.mark(name);
    });
  }

  /** The override failure of a binding in a cluster, if its last build had one. */
  overrideFailure(binding: string, cluster: string): string | undefined {
    return this.failures.get(binding)?.get(cluster);
  }

  /** Called with a binding's ref when its override failures change. */
  onFailuresChanged(listener: (binding: string) => void): void {
    this.failureListeners.push(listener);
  }

  /** Clusters whose Work is dirty or being built. */
  get backlog(): number {
    return this.queue.size;
  }

  /** Resolves once no cluster is dirty or being built (tests). */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  stop(): Promise<void> {
    return this.queue.stop();
  }

  mark(cluster: string, at?: number): void {
    if (this.started) this.queue.add(cluster, at);
  }

  bindingChanged(old: KubeObject | undefined, current: KubeObject | undefined): void {
    for (const b of [old, current]) if (b) for (const c of bindingClusters(b)) this.mark(c);
  }

  templateChanged(key: string): void {
    for (const b of this.cache.bindingsOfTemplate(key)) for (const c of bindingClusters(b)) this.mark(c);
  }

  kindSynced(kind: string): void {
    const clusters = this.waiting.get(kind);
    this.waiting.delete(kind);
    for (const c of clusters ?? []) this.mark(c);
  }

  clusterChanged(name: string): void {
    this.mark(name);
  }

  overridesChanged(old: KubeObject | undefined, current: KubeObject | undefined): void {
    // Rare and cheap to over-approximate: every binding whose template either version selects.
    for (const b of this.cache.bindings.values()) {
      const resource = bindingSpec(b).resource;
      const template = this.cache.templates.get(resource) ?? {
        apiVersion: resource.apiVersion,
        kind: resource.kind,
        metadata: { name: resource.name, namespace: resource.namespace },
      };
      if ([old, current].some((p) => p && policySelects(p, template)))
        for (const c of bindingClusters(b)) this.mark(c);
    }
  }

  workChanged(cluster: string, _old: KubeObject | undefined, current: KubeObject | undefined): void {
    if (!current) {
      this.mark(cluster); // deleted behind our back: rebuilt if the cluster still has something
      return;
    }
    // The member acknowledged tombstones: prune them.
    const applied = appliedRevision(current);
    if (workSpec(current).deletions.some((t) => t.revision <= applied)) this.mark(cluster);
  }

  private async build(cluster: string, since: number): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.buildOnce(cluster, since);
        return;
      } catch (e) {
        if (
          !(e instanceof ApiError && (e.reason === "Conflict" || e.reason === "AlreadyExists")) ||
          attempt >= MAX_ATTEMPTS
        )
          throw e;
        // Someone else wrote the Work (a status write, another replica): rebuild on what is stored.
        const fresh = await this.opts.client.get(workRef(cluster));
        if (fresh) this.cache.noteWork(fresh);
        else this.cache.forgetWork(cluster);
      }
    }
  }

  private async buildOnce(cluster: string, since: number): Promise<void> {
    const c = this.cache.clusters.get(cluster);
    const work = this.cache.works.get(cluster);
    if (!c) {
      this.setFailures(cluster, new Map());
      if (work) {
        await this.opts.client.delete(workRef(cluster));
        this.cache.forgetWork(cluster);
        this.opts.log.info({ cluster }, "cluster gone: Work deleted");
      }
      return;
    }
    if (c.metadata.deletionTimestamp) return; // being unjoined: the Work goes with the Cluster
    const bindings = this.cache.bindingsOfCluster(cluster);
    if (!this.templatesReady(cluster, bindings)) return;
    const previous = work ? workSpec(work) : undefined;
    const desired = desiredManifests({
      cluster: c,
      bindings,
      template: (ref) => this.cache.templates.get(ref),
      overridePolicies: this.cache.overridePolicies(),
      previous: new Map((previous?.manifests ?? []).map((m) => [manifestKey(m), m])),
    });
    this.setFailures(cluster, desired.failures);
    const preservedBefore = preservedBindings(work);
    const plan = planWork({
      cluster,
      previous,
      appliedRevision: appliedRevision(work),
      desired: desired.manifests,
      orphan: (m) => {
        const ref = m.metadata.annotations?.[BINDING_ANNOTATION] ?? "";
        const b = this.cache.bindings.get(ref);
        return b ? orphansOnRemoval(b) : preservedBefore.has(ref);
      },
      revisionBudgetBytes: this.opts.revisionBudgetBytes,
    });
    const preserveChanged =
      work !== undefined &&
      (preservedBefore.size !== desired.preserve.size ||
        [...desired.preserve].some((r) => !preservedBefore.has(r)));
    if (!plan.changed && !preserveChanged) return;
    const written = work
      ? // Based on the cached Work (no read); a Conflict rebuilds on the stored one (build()).
        await this.opts.client.update(updatedWork(work, plan.spec, desired.preserve), {
          base: work,
          owned: true,
        })
      : await this.opts.client.create(newWork(c, plan.spec, desired.preserve));
    this.cache.noteWork(written);
    this.opts.metrics.workWrites.inc();
    if (plan.bumped) this.opts.metrics.written(cluster, plan.spec.revision, since);
    this.opts.log.debug(
      {
        cluster,
        revision: plan.spec.revision,
        manifests: plan.spec.manifests.length,
        deletions: plan.spec.deletions.length,
      },
      work ? "Work updated" : "Work created",
    );
  }

  /** Whether every template kind the bindings name has been listed; otherwise waits for it. */
  private templatesReady(cluster: string, bindings: KubeObject[]): boolean {
    let ready = true;
    for (const b of bindings) {
      const resource = bindingSpec(b).resource;
      if (this.cache.templates.ensure(resource)) continue;
      ready = false;
      const kind = kindKey(resource);
      const set = this.waiting.get(kind) ?? new Set<string>();
      this.waiting.set(kind, set);
      set.add(cluster);
    }
    return ready;
  }

  private setFailures(cluster: string, now: Map<string, string>): void {
    const before = this.failuresByCluster.get(cluster) ?? new Set<string>();
    const changed = new Set<string>();
    for (const ref of before)
      if (!now.has(ref)) {
        this.failures.get(ref)?.delete(cluster);
        if (this.failures.get(ref)?.size === 0) this.failures.delete(ref);
        changed.add(ref);
      }
    for (const [ref, message] of now) {
      const byCluster = this.failures.get(ref) ?? new Map<string, string>();
      this.failures.set(ref, byCluster);
      if (byCluster.get(cluster) === message) continue;
      byCluster.set(cluster, message);
      changed.add(ref);
      this.opts.log.warn(
        { cluster, binding: ref, err: message },
        "override cannot be applied; the cluster keeps what it has",
      );
    }
    if (now.size) this.failuresByCluster.set(cluster, new Set(now.keys()));
    else this.failuresByCluster.delete(cluster);
    for (const ref of changed) for (const l of this.failureListeners) l(ref);
  }
}
