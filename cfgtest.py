from swarm.scenarios import loader as L
def t(fn, d):
    try:
        r=fn(d); print(repr(d)[:70], '->', type(r).__name__ if r is not None else None, (getattr(r,'__dict__',None) or {}).get('population_cap', '') if r is not None else '')
    except Exception as e: print(repr(d)[:70], '-> EXC', type(e).__name__, str(e)[:100])
for d in [{'enabled':True,'bogus':1},{'enabled':0},{'enabled':False},{'population_cap':'100'},{'enabled':None},{'mutation_std':'0.1'}]:
    t(L.parse_tierra_config, d)
for d in [{'bogus':1},{'mode':'council'},{'mode':'xx'},{'seed':'42'},{'tasks_per_epoch':2.5},{'enabled':None}]:
    t(L.parse_rivals_config, d)
for d in [{'bogus':1},{'max_tasks_per_epoch':'4'},{'conflict_probability':2},{'enabled':None},{'seed':'x'}]:
    t(L.parse_awm_config, d)
for d in [{'bogus':1},{'min_resource_types':'3'},{'enabled':None}]:
    t(L.parse_resource_negotiation_config, d)
for d in [{'bogus':1},{'hot_cache_size':0},{'compaction_probability':1.5},{'initial_entries':'5'},{'seed':'x'},{'enabled':None}]:
    t(L.parse_memory_tier_config, d)
for d in [{'memory_write_rate_limit_per_epoch':-1},{'memory_cross_verification_k':0},{'memory_promotion_min_quality':2},{'memory_provenance_revert_penalty':'0.2'}]:
    t(L.parse_governance_config, d)
