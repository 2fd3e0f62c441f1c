-- Argo CD health check for operator.openshift.io/MachineConfiguration (cdk8s-kmods).
-- The machine-config daemon takes its rebootless actions from the node disruption policies the
-- MCO publishes in status.nodeDisruptionPolicyStatus.clusterPolicies; until a file's policy is
-- there, a MachineConfig change to that file still reboots. So the object is healthy only once
-- every file policy in spec is published.
local hs = {}

local wanted = {}
if obj.spec ~= nil and obj.spec.nodeDisruptionPolicy ~= nil and obj.spec.nodeDisruptionPolicy.files ~= nil then
  for _, f in ipairs(obj.spec.nodeDisruptionPolicy.files) do
    if f.path ~= nil then
      table.insert(wanted, f.path)
    end
  end
end

local published = {}
if obj.status ~= nil and obj.status.nodeDisruptionPolicyStatus ~= nil
    and obj.status.nodeDisruptionPolicyStatus.clusterPolicies ~= nil
    and obj.status.nodeDisruptionPolicyStatus.clusterPolicies.files ~= nil then
  for _, f in ipairs(obj.status.nodeDisruptionPolicyStatus.clusterPolicies.files) do
    if f.path ~= nil then
      published[f.path] = true
    end
  end
end

local missing = {}
for _, path in ipairs(wanted) do
  if not published[path] then
    table.insert(missing, path)
  end
end

if #missing > 0 then
  hs.status = "Progressing"
  hs.message = "waiting for the machine-config operator to publish the node disruption policy for " .. table.concat(missing, ", ")
  return hs
end

hs.status = "Healthy"
hs.message = "node disruption policies in effect for " .. #wanted .. " file(s)"
return hs
