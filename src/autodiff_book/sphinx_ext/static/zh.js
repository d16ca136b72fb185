// sphinx-copybutton's Chinese "copied" tooltip is "复制成功!", with an ASCII exclamation mark; a
// Chinese tooltip takes no punctuation. Its messages are a top-level constant of copybutton.js,
// which runs before this file (both deferred, in order) and reads the message on each copy.
if (typeof messages !== "undefined" && messages["zh-CN"]) {
  messages["zh-CN"].copy_success = "已复制";
}
