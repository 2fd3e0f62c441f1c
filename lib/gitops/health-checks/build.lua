-- Argo CD health check for build.openshift.io/Build (cdk8s-kmods).
-- Builds are children of the generated BuildConfigs; this makes a failed build visible.
local hs = {}
local phase = nil
if obj.status ~= nil then
  phase = obj.status.phase
end

local function detail(prefix)
  local text = prefix
  if obj.status.reason ~= nil and obj.status.reason ~= "" then
    text = text .. ": " .. obj.status.reason
  end
  if obj.status.message ~= nil and obj.status.message ~= "" then
    text = text .. ": " .. obj.status.message
  end
  return text
end

if phase == "Complete" then
  hs.status = "Healthy"
  hs.message = "build complete"
elseif phase == "Failed" or phase == "Error" then
  hs.status = "Degraded"
  hs.message = detail("build " .. string.lower(phase))
elseif phase == "Cancelled" then
  hs.status = "Degraded"
  hs.message = detail("build cancelled")
else
  hs.status = "Progressing"
  if phase == nil or phase == "" then
    hs.message = "waiting for the build to start"
  else
    hs.message = "build " .. string.lower(phase)
  end
end
return hs
