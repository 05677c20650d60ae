-- pipewire-v4l2-dmabuf: one monitor per camera. The stock v4l2 monitor
-- would offer every single-planar camera a second time (as api.v4l2.source),
-- so it is switched off here; this plugin's monitor offers those and the
-- multi-planar ones. Back to the stock monitor: one line in a later file,
-- e.g. ~/.config/wireplumber/main.lua.d/51-v4l2-stock.lua:
--   v4l2_dmabuf_monitor.enabled = false; v4l2_monitor.enabled = true
v4l2_monitor.enabled = false
v4l2_dmabuf_monitor.enabled = true
