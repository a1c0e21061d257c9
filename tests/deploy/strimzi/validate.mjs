// Validates Strimzi custom resources against the Strimzi CRD schemas.
// stdin: a JSON array of resources; stdout: a JSON array of {index, kind, name, error}.
// The schemas are @kubernetes-models/strimzi-kafka-operator's validators, compiled from the
// CRDs that Strimzi publishes with each release.
import { readFileSync } from "node:fs";

const resources = JSON.parse(readFileSync(0, "utf8"));
const problems = [];
for (const [index, resource] of resources.entries()) {
  const [group, version] = String(resource.apiVersion).split("/");
  const name = resource.metadata?.name;
  let Model;
  try {
    const module = await import(
      `@kubernetes-models/strimzi-kafka-operator/${group}/${version}/${resource.kind}`
    );
    Model = module[resource.kind];
  } catch (error) {
    problems.push({ index, kind: resource.kind, name, error: `no schema: ${error.message}` });
    continue;
  }
  try {
    new Model(resource).validate();
  } catch (error) {
    problems.push({ index, kind: resource.kind, name, error: error.message });
  }
}
process.stdout.write(JSON.stringify(problems) + "\n");
