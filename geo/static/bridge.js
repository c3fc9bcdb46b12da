try { if (parent.yqTake) { parent.yqTake(document); } } catch (e) { console.error("yq bridge:", e); }
