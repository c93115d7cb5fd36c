-- The local warehouse: the tables sql/marts/customer_summary.sql reads and writes.
-- Types are ones PostgreSQL and Redshift both accept.
CREATE TABLE IF NOT EXISTS public.orders (
    order_id     BIGINT         NOT NULL,
    line_no      INTEGER        NOT NULL,
    customer_id  BIGINT         NOT NULL,
    product_id   BIGINT         NOT NULL,
    quantity     INTEGER        NOT NULL,
    unit_price   NUMERIC(12, 2) NOT NULL,
    order_date   DATE           NOT NULL,
    PRIMARY KEY (order_id, line_no)
);

CREATE TABLE IF NOT EXISTS public.mart_customer_summary (
    customer_id      BIGINT         NOT NULL PRIMARY KEY,
    total_orders     BIGINT         NOT NULL,
    total_amount     NUMERIC(18, 2) NOT NULL,
    last_order_date  DATE           NOT NULL,
    updated_at       TIMESTAMP      NOT NULL
);
