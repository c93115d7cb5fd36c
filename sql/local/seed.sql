-- Sample data for the local warehouse (PostgreSQL): 100,000 orders of 1 to 5 lines (about 300,000 lines)
-- across 20,000 customers, deterministic so every machine gets the same mart. A refresh takes a visible moment.
-- The number of orders can be changed with the setting seed.orders (scripts/run-local: SEED_ORDERS).
TRUNCATE public.orders;

INSERT INTO public.orders (order_id, line_no, customer_id, product_id, quantity, unit_price, order_date)
SELECT
    o.order_id,
    l.line_no,
    1 + (o.order_id * 7919) % 20000                          AS customer_id,
    1 + (o.order_id * 31 + l.line_no * 17) % 5000            AS product_id,
    1 + (o.order_id + l.line_no) % 9                         AS quantity,
    round((1 + ((o.order_id * 13 + l.line_no * 101) % 50000) / 100.0)::numeric, 2) AS unit_price,
    DATE '2024-01-01' + (o.order_id % 730)::integer          AS order_date
FROM generate_series(1, COALESCE(NULLIF(current_setting('seed.orders', true), '')::bigint, 100000)) AS o(order_id)
CROSS JOIN LATERAL generate_series(1, 1 + (o.order_id % 5)::integer) AS l(line_no);

ANALYZE public.orders;
