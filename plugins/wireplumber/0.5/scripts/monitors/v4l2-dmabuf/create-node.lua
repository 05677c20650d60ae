-- pipewire-v4l2-dmabuf: applies monitor.v4l2-dmabuf.rules to a camera node
-- (update-props; node.disabled skips it) and creates it in the PipeWire
-- daemon with its spa-node-factory.

local cutils = require ("common-utils")

local log = Log.open_topic ("s-monitors-v4l2-dmabuf")

local rules = Conf.get_section_as_json ("monitor.v4l2-dmabuf.rules", Json.Array {})

SimpleEventHook {
  name = "monitor/v4l2-dmabuf/create-node",
  after = "monitor/v4l2-dmabuf/name-node",
  interests = {
    EventInterest {
      Constraint { "event.type", "=", "create-v4l2-dmabuf-device-node" },
    },
  },
  execute = function (event)
    local properties = event:get_data ("node-properties")
    local parent = event:get_subject ()
    local id = event:get_data ("node-sub-id")

    properties = JsonUtils.match_rules_update_properties (rules, properties)
    -- The device's opt-in, copied down by the plugin; not a node property.
    properties["v4l2-dmabuf.convert"] = nil

    if cutils.parseBool (properties["node.disabled"]) then
      log:notice ("V4L2 DMA-BUF node " .. properties["node.name"] .. " disabled by a rule")
      return
    end

    local node = Node ("spa-node-factory", properties)
    node:activate (Feature.Proxy.BOUND)
    parent:store_managed_object (id, node)
  end
}:register ()
