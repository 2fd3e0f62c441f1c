-- Argo CD health check for apps/DaemonSet (cdk8s-kmods loaders).
-- Argo CD's own check calls every OnDelete DaemonSet Healthy and counts no ready pods. A loader
-- pod is ready only when its modules are loaded at the version its image holds, so this check
-- asks, whatever the update strategy: has the controller seen this generation, does every node
-- that should run a pod run one from the current template, and is every one of them ready?
local hs = {}

local function count(value)
  if value == nil then
    return 0
  end
  return value
end

if obj.status == nil then
  hs.status = "Progressing"
  hs.message = "waiting for the DaemonSet controller"
  return hs
end

local s = obj.status
local generation = count(obj.metadata and obj.metadata.generation)
local observed = count(s.observedGeneration)
local desired = count(s.desiredNumberScheduled)
local updated = count(s.updatedNumberScheduled)
local ready = count(s.numberReady)
local strategy = "RollingUpdate"
if obj.spec ~= nil and obj.spec.updateStrategy ~= nil and obj.spec.updateStrategy.type ~= nil then
  strategy = obj.spec.updateStrategy.type
end

if observed < generation then
  hs.status = "Progressing"
  hs.message = "waiting for the DaemonSet controller to observe generation " .. generation
elseif desired == 0 then
  hs.status = "Degraded"
  hs.message = "no node matches the pool's node selector, so the module is loaded nowhere"
elseif updated < desired then
  hs.status = "Progressing"
  hs.message = updated .. " of " .. desired .. " loader pods run the current template"
  if strategy == "OnDelete" then
    hs.message = hs.message .. " (OnDelete: delete the old pods to roll out)"
  end
elseif ready < desired then
  hs.status = "Progressing"
  hs.message = ready .. " of " .. desired .. " loaders ready; a pod's readiness events say why (e.g. an older build still in use)"
else
  hs.status = "Healthy"
  hs.message = "the module is loaded at the current version on all " .. desired .. " nodes"
end
return hs
