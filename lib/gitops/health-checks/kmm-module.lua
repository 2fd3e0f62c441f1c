-- Argo CD health check for kmm.sigs.x-k8s.io/Module (cdk8s-kmods).
-- KMM reports no conditions; it counts nodes in status.moduleLoader (and status.devicePlugin).
-- Missing counts are zero (the fields are omitted when 0).
local hs = {}

local function count(value)
  if value == nil then
    return 0
  end
  return value
end

local function assess(name, s)
  local matching = count(s.nodesMatchingSelectorNumber)
  local desired = count(s.desiredNumber)
  local available = count(s.availableNumber)
  if available < desired then
    return "Progressing", name .. " available on " .. available .. " of " .. desired .. " nodes (" .. matching .. " match the selector)"
  end
  if desired < matching then
    return "Degraded", name .. ": " .. matching .. " nodes match the selector but only " .. desired ..
      " can run it; a node runs a kernel that no kernelMapping covers"
  end
  return "Healthy", name .. " available on all " .. desired .. " nodes that match the selector"
end

if obj.status == nil or obj.status.moduleLoader == nil then
  hs.status = "Progressing"
  hs.message = "waiting for KMM to report the module loader status"
  return hs
end

local status, message = assess("module loader", obj.status.moduleLoader)
if status == "Healthy" and obj.spec ~= nil and obj.spec.devicePlugin ~= nil then
  if obj.status.devicePlugin == nil then
    status, message = "Progressing", "waiting for KMM to report the device plugin status"
  else
    local pluginStatus, pluginMessage = assess("device plugin", obj.status.devicePlugin)
    if pluginStatus ~= "Healthy" then
      status, message = pluginStatus, pluginMessage
    else
      message = message .. "; " .. pluginMessage
    end
  end
end
hs.status = status
hs.message = message
return hs
