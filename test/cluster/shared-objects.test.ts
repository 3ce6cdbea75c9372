/**
 * Cluster-scoped objects a run shares: one `kubectl get` for all of them, kubectl's answers read
 * as kubectl gives them (one name: the object; several: a List of those found), and a wait only
 * for CRDs that are not Established yet. The runner answers as kubectl would; the end-to-end
 * sharing (two runs, one CRD, never deleted) is in cluster-provider.test.ts.
 */
import { describe, expect, it } from "vitest";
import type { CommandRunner } from "../../src/exec/command-runner.js";
import type { KubeObject } from "../../src/providers/kubernetes/kube-object.js";
import { Kubectl } from "../../src/providers/kubernetes/kubectl.js";
import { shareClusterScoped } from "../../src/providers/cluster/shared-objects.js";

const crd = (name: string, singular: string): KubeObject => ({
  apiVersion: "apiextensions.k8s.io/v1",
  kind: "CustomResourceDefinition",
  metadata: { name },
  spec: { group: "example.com", names: { kind: singular, plural: `${singular}s`, singular }, scope: "Namespaced" },
});

const installed = (object: KubeObject, established: boolean): KubeObject => ({
  ...object,
  metadata: { ...object.metadata, uid: "1", creationTimestamp: "2026-12-01T00:00:00Z" },
  status: { conditions: [{ type: "Established", status: established ? "True" : "False" }] },
});

function kubectlAnswering(stdout: string): { kubectl: Kubectl; calls: string[][] } {
  const calls: string[][] = [];
  const runner: CommandRunner = (_file, args) => {
    calls.push(args);
    return Promise.resolve({ exitCode: 0, stdout, stderr: "", all: stdout });
  };
  return { kubectl: new Kubectl("/tmp/kubeconfig", "kind-shared", runner), calls };
}

const options = { apply: false, file: "paddock.yaml", signal: AbortSignal.timeout(5_000) };

describe("shared cluster-scoped objects", () => {
  it("asks once for all of them; applies and waits for the absent one, not for one already Established", async () => {
    const widgets = crd("widgets.example.com", "widget");
    const gadgets = crd("gadgets.example.com", "gadget");
    const list = { apiVersion: "v1", kind: "List", items: [installed(widgets, true)] };
    const { kubectl, calls } = kubectlAnswering(JSON.stringify(list));
    const result = await shareClusterScoped(kubectl, [widgets, gadgets], options);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.slice(0, 3)).toEqual([
      "get",
      "customresourcedefinition/widgets.example.com",
      "customresourcedefinition/gadgets.example.com",
    ]);
    expect(result.toApply.map((o) => o.metadata.name)).toEqual(["gadgets.example.com"]);
    expect(result.toWaitFor).toEqual(["crd/gadgets.example.com"]);
    expect(result.shared).toEqual([
      { object: "customresourcedefinition/widgets.example.com", state: "identical" },
      { object: "customresourcedefinition/gadgets.example.com", state: "installed" },
    ]);
  });

  it("waits for an installed CRD that another run applied and is not Established yet", async () => {
    const widgets = crd("widgets.example.com", "widget");
    const { kubectl } = kubectlAnswering(JSON.stringify(installed(widgets, false)));
    const result = await shareClusterScoped(kubectl, [widgets], options);
    expect(result.toApply).toEqual([]);
    expect(result.toWaitFor).toEqual(["crd/widgets.example.com"]);
  });

  it("stops at an installed CRD that differs, naming the field", async () => {
    const widgets = crd("widgets.example.com", "widget");
    const other = { ...installed(widgets, true), spec: { ...widgets["spec"]!, scope: "Cluster" } } as KubeObject;
    const { kubectl } = kubectlAnswering(JSON.stringify(other));
    await expect(shareClusterScoped(kubectl, [widgets], options)).rejects.toThrow(
      /differs from the stack's at spec\.scope/,
    );
  });

  it("makes no call when there is nothing to share", async () => {
    const { kubectl, calls } = kubectlAnswering("");
    expect(await shareClusterScoped(kubectl, [], options)).toEqual({ toApply: [], toWaitFor: [], shared: [] });
    expect(calls).toEqual([]);
  });
});
