-- pipewire-v4l2-dmabuf: applies monitor.v4l2-dmabuf.rules to a device
-- (update-props; device.disabled skips it; v4l2-dmabuf.convert = true asks
-- for a libv4l2 converting node beside the zero-copy one) and creates it
-- in WirePlumber's process, exported to PipeWire. Its nodes become
-- "create-v4l2-dmabuf-device-node" events (name-node.lua, create-node.lua).

local cutils = require ("common-utils")

local log = Log.open_topic ("s-monitors-v4l2-dmabuf")

local rules = Conf.get_section_as_json ("monitor.v4l2-dmabuf.rules", Json.Array {})

local function createNode (parent, id, type, factory, properties)
  local source = Plugin.find ("standard-event-source")
  local e = source:call ("create-event", "create-v4l2-dmabuf-device-node", parent, nil)
  e:set_data ("factory", factory)
  e:set_data ("node-properties", properties)
  e:set_data ("node-sub-id", id)
  EventDispatcher.push_event (e)
end

SimpleEventHook {
  name = "monitor/v4l2-dmabuf/create-device",
  after = "monitor/v4l2-dmabuf/name-device",
  interests = {
    EventInterest {
      Constraint { "event.type", "=", "create-v4l2-dmabuf-device" },
    },
  },
  execute = function (event)
    local properties = event:get_data ("device-properties")
    local factory = event:get_data ("factory")
    local parent = event:get_subject ()
    local id = event:get_data ("device-sub-id")

    properties = JsonUtils.match_rules_update_properties (rules, properties)

    if cutils.parseBool (properties["device.disabled"]) then
      log:notice ("V4L2 DMA-BUF device " .. properties["device.name"] .. " disabled by a rule")
      return
    end

    local device = SpaDevice (factory, properties)
    if device then
      device:connect ("create-object", createNode)
      device:activate (Feature.SpaDevice.ENABLED | Feature.Proxy.BOUND)
      parent:store_managed_object (id, device)
    else
      log:warning ("cannot create '" .. factory .. "' for " ..
          tostring (properties["api.v4l2.path"]))
    end
  end
}:register ()
