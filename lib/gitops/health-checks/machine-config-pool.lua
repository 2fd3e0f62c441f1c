-- Argo CD health check for machineconfiguration.openshift.io/MachineConfigPool (cdk8s-kmods).
-- Argo CD passes the live object as `obj` and expects {status=..., message=...}.
local hs = {}

local function condition(conditions, kind)
  if conditions == nil then
    return nil
  end
  for _, c in ipairs(conditions) do
    if c.type == kind then
      return c
    end
  end
  return nil
end

local function count(value)
  if value == nil then
    return 0
  end
  return value
end

if obj.status == nil or obj.status.conditions == nil then
  hs.status = "Progressing"
  hs.message = "waiting for the machine-config operator to report the pool's status"
  return hs
end

local conditions = obj.status.conditions
local machines = count(obj.status.machineCount)
local updated = count(obj.status.updatedMachineCount)
local ready = count(obj.status.readyMachineCount)
local degraded = count(obj.status.degradedMachineCount)

for _, kind in ipairs({"RenderDegraded", "NodeDegraded", "Degraded"}) do
  local c = condition(conditions, kind)
  if c ~= nil and c.status == "True" then
    hs.status = "Degraded"
    local detail = c.message
    if detail == nil or detail == "" then
      detail = c.reason
    end
    if detail == nil or detail == "" then
      detail = "no message"
    end
    hs.message = kind .. ": " .. detail .. " (" .. degraded .. " of " .. machines .. " machines degraded)"
    return hs
  end
end

local generation = nil
if obj.metadata ~= nil then
  generation = obj.metadata.generation
end
if generation ~= nil and (obj.status.observedGeneration == nil or obj.status.observedGeneration < generation) then
  hs.status = "Progressing"
  hs.message = "the machine-config operator has not yet observed generation " .. generation
  return hs
end

local updatedCond = condition(conditions, "Updated")
local updatingCond = condition(conditions, "Updating")
local isUpdated = updatedCond ~= nil and updatedCond.status == "True"
local isUpdating = updatingCond ~= nil and updatingCond.status == "True"
local counts = updated .. " of " .. machines .. " machines updated, " .. ready .. " ready"

if obj.spec ~= nil and obj.spec.paused == true and not isUpdated then
  hs.status = "Suspended"
  hs.message = "pool is paused: the MCO applies no configuration until it is unpaused (" .. counts .. ")"
  return hs
end

if isUpdating or not isUpdated then
  hs.status = "Progressing"
  hs.message = "updating: " .. counts
  return hs
end

if updated ~= machines or ready ~= machines then
  hs.status = "Progressing"
  hs.message = "waiting for machines: " .. counts
  return hs
end

-- cdk8s-kmods.io/machine-configs lists the pool's generated MachineConfigs: right after a sync
-- the MCO needs a few seconds to render them, and the pool still reports Updated meanwhile.
local expected = nil
if obj.metadata ~= nil and obj.metadata.annotations ~= nil then
  expected = obj.metadata.annotations["cdk8s-kmods.io/machine-configs"]
end
if expected ~= nil and expected ~= "" then
  local present = {}
  if obj.status.configuration ~= nil and obj.status.configuration.source ~= nil then
    for _, s in ipairs(obj.status.configuration.source) do
      if s.name ~= nil then
        present[s.name] = true
      end
    end
  end
  local missing = {}
  for name in string.gmatch(expected, "[^,]+") do
    if not present[name] then
      table.insert(missing, name)
    end
  end
  if #missing > 0 then
    hs.status = "Progressing"
    hs.message = "waiting for the machine-config operator to roll out " .. table.concat(missing, ", ") .. " (" .. counts .. ")"
    return hs
  end
end

hs.status = "Healthy"
local rendered = ""
if obj.status.configuration ~= nil and obj.status.configuration.name ~= nil then
  rendered = " run " .. obj.status.configuration.name
end
hs.message = "all " .. machines .. " machines" .. rendered .. " and are ready"
return hs
