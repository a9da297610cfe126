insert into bench_raw (id, payload) values (gen_random_uuid(), repeat('x', 2500));
