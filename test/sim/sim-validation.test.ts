// TEST SIMULATOR — not the real kind/kubectl. Contract tests: the API server's strict field validation.
import { describe, expect } from "vitest";
import { run, file, createCluster, NS, CRD, deployment, simIt, dockerUp, IMAGE, useTestImage } from "./harness.js";

useTestImage();

describe.skipIf(!dockerUp)("strict field validation, as the API server's", () => {
  simIt("rejects unknown fields and wrong types with the API server's messages, and stores nothing", async () => {
    await createCluster();
    await run("kubectl", ["apply", "--server-side", "-f", "-"], NS);
    const typo = deployment("web", IMAGE, ", imagePullPolcy: IfNotPresent");
    const ssa = await run("kubectl", ["apply", "--server-side", "-f", "-"], typo);
    expect(ssa.code).toBe(1);
    expect(ssa.stderr).toBe(
      `Error from server: failed to create typed patch object (app/web; apps/v1, Kind=Deployment): .spec.template.spec.containers[name="web"].imagePullPolcy: field not declared in schema\n`,
    );
    const f = file("typo.yaml", typo);
    const created = await run("kubectl", ["create", "-f", f]);
    expect(created.stderr).toBe(
      `Error from server (BadRequest): error when creating "${f}": Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.template.spec.containers[0].imagePullPolcy"\n`,
    );
    const replicas = deployment("web", IMAGE).replace("replicas: 1", 'replicas: "3"');
    expect((await run("kubectl", ["apply", "--server-side", "-f", "-"], replicas)).stderr).toBe(
      `Error from server: failed to create typed patch object (app/web; apps/v1, Kind=Deployment): .spec.replicas: expected numeric (int or float), got string\n`,
    );
    expect((await run("kubectl", ["create", "-f", file("r.yaml", replicas)])).stderr).toContain(
      `cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32`,
    );
    const port = `apiVersion: v1\nkind: Service\nmetadata: { name: s, namespace: app }\nspec: { ports: [{ port: 80, protocl: TCP }] }\n`;
    expect((await run("kubectl", ["apply", "--server-side", "-f", "-"], port)).stderr).toBe(
      `Error from server: failed to create typed patch object (app/s; /v1, Kind=Service): .spec.ports[port=80,protocol="TCP"].protocl: field not declared in schema\n`,
    );
    expect((await run("kubectl", ["get", "deployment", "web", "-n", "app"])).code).toBe(1);
    // Quantities take numbers; IntOrString takes both.
    const ok = deployment(
      "web",
      IMAGE,
      ", resources: { limits: { cpu: 1, memory: 64Mi } }, ports: [{ containerPort: 8080, name: http }], readinessProbe: { tcpSocket: { port: http } }",
    );
    const good = await run("kubectl", ["apply", "--server-side", "-f", "-"], ok);
    expect(good.code, good.stderr).toBe(0);
  });

  simIt("checks custom resources against their CRD's schema", async () => {
    await createCluster();
    const crd = CRD.replace(
      "schema: { openAPIV3Schema: { type: object } }",
      "schema: { openAPIV3Schema: { type: object, properties: { spec: { type: object, properties: { size: { type: integer } } } } } }",
    );
    await run("kubectl", ["apply", "--server-side", "-f", "-"], [NS, crd].join("---\n"));
    expect(
      (await run("kubectl", ["wait", "--for=condition=Established", "crd/widgets.example.com", "--timeout=30s"])).code,
    ).toBe(0);
    const cr = (spec: string): string =>
      `apiVersion: example.com/v1\nkind: Widget\nmetadata: { name: w1, namespace: app }\nspec: ${spec}\n`;
    expect((await run("kubectl", ["apply", "--server-side", "-f", "-"], cr("{ size: 2, colour: red }"))).stderr).toBe(
      `Error from server: failed to create typed patch object (app/w1; example.com/v1, Kind=Widget): .spec.colour: field not declared in schema\n`,
    );
    expect((await run("kubectl", ["apply", "--server-side", "-f", "-"], cr("{ size: big }"))).stderr).toBe(
      `The Widget "w1" is invalid: spec.size: Invalid value: "string": spec.size in body must be of type integer: "string"\n`,
    );
    expect((await run("kubectl", ["apply", "--server-side", "-f", "-"], cr("{ size: 2 }"))).code).toBe(0);
  });
});
