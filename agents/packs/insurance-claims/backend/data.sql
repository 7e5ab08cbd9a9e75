-- Harbour Mutual claims desk: the insurance-claims pack's rows, for both engines.
-- Fictional data written for Guild. All amounts in GBP. Dates are ISO 8601 (YYYY-MM-DD).
-- Deterministic: literal rows only. Portable SQL: plain INSERTs with quoted literals, which
-- SQLite stores as text and Postgres casts to each column's date, timestamp or numeric type.
-- Runs after the engine's schema file (schema.sqlite.sql or schema.postgres.sql).

-- Customers -------------------------------------------------------------------
INSERT INTO customers (id, name, email, phone, address, flagged) VALUES
  ('CUS-0001', 'Eleanor Whitfield',  'eleanor.whitfield@example.co.uk',  '07700 900101', '14 Marlowe Road, Bristol BS6 5JP', 0),
  ('CUS-0002', 'Rajesh Patel',       'rajesh.patel@example.co.uk',       '07700 900102', '3 Canal Wharf, Leicester LE2 7QA', 0),
  ('CUS-0003', 'Siobhan O''Connor',  'siobhan.oconnor@example.co.uk',    '07700 900103', '27 Elm Grove, Liverpool L15 3HL', 0),
  ('CUS-0004', 'Thomas Greaves',     'thomas.greaves@example.com',       '07700 900104', 'Flat 6, 41 Harbour Street, Plymouth PL1 2AB', 0),
  ('CUS-0005', 'Amara Okafor',       'amara.okafor@example.co.uk',       '07700 900105', '9 Beech Close, Reading RG4 8NN', 0),
  ('CUS-0006', 'Gareth Llewellyn',   'gareth.llewellyn@example.co.uk',   '07700 900106', '2 Chapel Terrace, Swansea SA1 6PX', 0),
  ('CUS-0007', 'Darren Kettley',     'd.kettley@example.com',            '07700 900107', '88 Moor Lane, Salford M7 3RT', 1),
  ('CUS-0008', 'Helen Marsh',        'helen.marsh@example.co.uk',        '07700 900108', 'The Old Forge, Church Street, Ledbury HR8 1DL', 0),
  ('CUS-0009', 'Priya Nair',         'priya.nair@example.co.uk',         '07700 900109', '15 Kingsley Avenue, Cambridge CB4 1ER', 0),
  ('CUS-0010', 'Michael Brennan',    'michael.brennan@example.com',      '07700 900110', '63 Ormeau Road, Belfast BT7 1SH', 0),
  ('CUS-0011', 'Fiona Campbell',     'fiona.campbell@example.co.uk',     '07700 900111', '4/2 Marchmont Crescent, Edinburgh EH9 1HN', 0),
  ('CUS-0012', 'Lee Hodgson',        'lee.hodgson@example.com',          '07700 900112', '19 Foundry Street, Sheffield S3 8JP', 0),
  ('CUS-0013', 'Margaret Ainsworth', 'margaret.ainsworth@example.co.uk', '01632 960113', '7 Rose Cottages, Whitby YO21 3BT', 0),
  ('CUS-0014', 'Daniel Osei',        'daniel.osei@example.co.uk',        '07700 900114', '112 Lordship Lane, London SE22 8HF', 0),
  ('CUS-0015', 'Karen Pike',         'karen.pike@example.com',           '07700 900115', '31 Station Road, Luton LU1 2RF', 1),
  ('CUS-0016', 'Oliver Bennett',     'oliver.bennett@example.co.uk',     '07700 900116', '5 Mill Lane, Norwich NR3 4EP', 0),
  ('CUS-0017', 'Yasmin Haddad',      'yasmin.haddad@example.co.uk',      '07700 900117', '22 Clarendon Park Road, Leicester LE2 3AJ', 0),
  ('CUS-0018', 'Stuart McAllister',  'stuart.mcallister@example.com',    '07700 900118', '10 Riverside Drive, Aberdeen AB11 7DF', 0),
  ('CUS-0019', 'Joanna Kowalska',    'joanna.kowalska@example.co.uk',    '07700 900119', '47 Victoria Road, Swindon SN1 3BB', 0),
  ('CUS-0020', 'Peter Fairbrother',  'peter.fairbrother@example.co.uk',  '07700 900120', 'Orchard House, Main Street, Tewkesbury GL20 5RX', 0),
  ('CUS-0021', 'Chloe Adeyemi',      'chloe.adeyemi@example.com',        '07700 900121', '8 Dock Road, Cardiff CF10 5AL', 0),
  ('CUS-0022', 'William Thornton',   'william.thornton@example.co.uk',   '07700 900122', '56 High Street, Harrogate HG1 1SR', 0);

-- Policies --------------------------------------------------------------------
-- sum_insured: for home, the most paid for any one claim under Sections 4 and 5 combined;
-- for motor, the declared value of the vehicle (we pay market value up to this figure).
-- excess: the total excess shown on the schedule (home standard 250, motor standard 500).
INSERT INTO policies (id, customer_id, product, status, start_date, end_date, sum_insured, excess) VALUES
  ('HOM-5001', 'CUS-0001', 'home',  'active',  '2026-04-01', '2027-03-31', 350000.00,  250.00),
  ('HOM-5002', 'CUS-0002', 'home',  'active',  '2026-01-15', '2027-01-14', 420000.00,  250.00),
  ('HOM-5003', 'CUS-0003', 'home',  'active',  '2026-07-01', '2027-06-30', 275000.00,  250.00),
  ('MOT-7001', 'CUS-0004', 'motor', 'active',  '2026-03-10', '2027-03-09',  16500.00,  500.00),
  ('HOM-5004', 'CUS-0005', 'home',  'active',  '2026-02-01', '2027-01-31', 380000.00,  500.00),
  ('HOM-5005', 'CUS-0006', 'home',  'active',  '2025-12-01', '2026-11-30', 260000.00,  250.00),
  ('MOT-7002', 'CUS-0007', 'motor', 'active',  '2026-10-20', '2027-10-19',  21000.00,  500.00),
  ('HOM-5006', 'CUS-0008', 'home',  'active',  '2026-05-12', '2027-05-11', 610000.00,  250.00),
  ('MOT-7003', 'CUS-0009', 'motor', 'active',  '2026-06-01', '2027-05-31',  24500.00,  350.00),
  ('HOM-5007', 'CUS-0010', 'home',  'active',  '2026-08-20', '2027-08-19', 310000.00,  250.00),
  ('HOM-5008', 'CUS-0011', 'home',  'active',  '2026-03-01', '2027-02-28', 295000.00,  250.00),
  ('HOM-5009', 'CUS-0012', 'home',  'active',  '2026-01-05', '2027-01-04', 230000.00,  250.00),
  ('MOT-7004', 'CUS-0012', 'motor', 'active',  '2026-02-14', '2027-02-13',   9800.00,  500.00),
  ('HOM-5010', 'CUS-0013', 'home',  'lapsed',  '2025-06-01', '2026-05-31', 240000.00,  250.00),
  ('MOT-7005', 'CUS-0014', 'motor', 'active',  '2026-04-22', '2027-04-21',  32000.00,  500.00),
  ('HOM-5011', 'CUS-0015', 'home',  'active',  '2026-09-01', '2027-08-31', 185000.00,  250.00),
  ('HOM-5012', 'CUS-0016', 'home',  'active',  '2026-02-20', '2027-02-19', 450000.00,  250.00),
  ('MOT-7006', 'CUS-0017', 'motor', 'active',  '2026-07-07', '2027-07-06',  14750.00,  500.00),
  ('HOM-5013', 'CUS-0018', 'home',  'active',  '2025-11-30', '2026-11-29', 330000.00, 1000.00),
  ('HOM-5014', 'CUS-0019', 'home',  'active',  '2026-05-05', '2027-05-04', 265000.00,  250.00),
  ('MOT-7007', 'CUS-0020', 'motor', 'active',  '2026-01-28', '2027-01-27',  27500.00,  500.00),
  ('HOM-5015', 'CUS-0020', 'home',  'active',  '2026-01-28', '2027-01-27', 690000.00,  250.00),
  ('MOT-7008', 'CUS-0021', 'motor', 'lapsed',  '2025-08-01', '2026-07-31',  11200.00,  500.00),
  ('HOM-5016', 'CUS-0022', 'home',  'active',  '2026-06-18', '2027-06-17', 520000.00,  250.00),
  ('MOT-7009', 'CUS-0002', 'motor', 'active',  '2026-03-03', '2027-03-02',  19900.00,  500.00),
  ('HOM-5017', 'CUS-0014', 'home',  'active',  '2026-04-22', '2027-04-21', 400000.00,  250.00),
  ('HOM-5018', 'CUS-0021', 'home',  'cancelled', '2026-02-01', '2026-08-15', 210000.00, 250.00);

-- Claims ----------------------------------------------------------------------
-- Perils: escape_of_water, storm, flood, fire, theft, accidental_damage, subsidence (home);
-- collision, theft, vandalism, windscreen (motor).
INSERT INTO claims (id, policy_id, peril, description, incident_date, reported_date, status, claimed_amount) VALUES
  ('CLM-1001', 'HOM-5001', 'escape_of_water', 'Burst pipe under the kitchen sink flooded the kitchen overnight. A split compression joint on the cold water feed let water run across the floor; the kitchen base units, laminate flooring and lower plaster are water damaged. Plumber repaired the pipe the next morning; invoice and photos supplied.', '2026-11-14', '2026-11-15', 'open', 3850.00),
  ('CLM-1002', 'HOM-5002', 'storm', 'High winds lifted ridge tiles and about twenty roof tiles; rain came into the loft and stained the landing ceiling. Met Office gusts of 68 mph recorded nearby.', '2026-02-08', '2026-02-09', 'settled', 2140.00),
  ('CLM-1003', 'HOM-5003', 'accidental_damage', 'A tin of emulsion paint was knocked over onto the living room carpet during decorating; carpet beyond cleaning and replaced.', '2026-09-12', '2026-09-13', 'settled', 1275.50),
  ('CLM-1004', 'MOT-7001', 'collision', 'Car hit from behind while stationary at traffic lights on the A38; rear bumper, boot lid and tail lamps damaged. Third party admitted liability at the scene.', '2026-05-19', '2026-05-19', 'settled', 2980.00),
  ('CLM-1005', 'MOT-7005', 'collision', 'Lost control on black ice on a country lane and struck a stone wall. Front-end damage, both front airbags deployed; engineer estimate £9,420 to repair, below the write-off threshold.', '2026-11-02', '2026-11-03', 'open', 9420.00),
  ('CLM-1006', 'HOM-5004', 'escape_of_water', 'Damp and rot found in bathroom floor joists. Surveyor reports a slow leak through failed sealant around the shower tray over several months.', '2026-06-03', '2026-06-20', 'declined', 6200.00),
  ('CLM-1007', 'MOT-7002', 'theft', 'Car reported stolen from the road outside the home overnight. Customer says both keys are in his possession; no CCTV. Claims the vehicle was worth £24,000.', '2026-10-29', '2026-10-30', 'under_investigation', 24000.00),
  ('CLM-1008', 'HOM-5006', 'flood', 'River Leadon overtopped its banks after heavy rain; flood water entered the ground floor to a depth of about 40 cm. Floors, plaster, kitchen and furniture damaged; drying out under way.', '2026-10-24', '2026-10-25', 'open', 28400.00),
  ('CLM-1009', 'MOT-7003', 'windscreen', 'Stone thrown up by a lorry on the M11 cracked the windscreen across the driver''s line of sight; replaced with camera recalibration.', '2026-08-14', '2026-08-15', 'settled', 610.00),
  ('CLM-1010', 'HOM-5007', 'theft', 'Burglary while the family was out: rear door forced, laptop, television and jewellery taken. Police crime reference supplied the same day.', '2026-10-03', '2026-10-03', 'open', 4320.00),
  ('CLM-1011', 'HOM-5008', 'storm', 'Six garden fence panels and two posts blown down in strong winds.', '2026-03-22', '2026-03-23', 'declined', 780.00),
  ('CLM-1012', 'HOM-5009', 'escape_of_water', 'Washing machine inlet hose split; water came through the kitchen ceiling of the flat below and damaged the customer''s own kitchen floor.', '2026-02-11', '2026-02-12', 'settled', 1620.00),
  ('CLM-1013', 'HOM-5009', 'accidental_damage', 'Television knocked off its stand while moving furniture; screen cracked.', '2026-05-30', '2026-06-02', 'settled', 899.00),
  ('CLM-1014', 'MOT-7004', 'collision', 'Scraped the nearside doors against a concrete bollard in a multi-storey car park.', '2026-08-09', '2026-08-10', 'settled', 1340.00),
  ('CLM-1015', 'HOM-5009', 'theft', 'Garden shed padlock cut; mountain bike and strimmer stolen.', '2026-10-18', '2026-10-21', 'open', 1150.00),
  ('CLM-1016', 'HOM-5010', 'escape_of_water', 'Cold water storage tank in the loft split; water came through the main bedroom ceiling and damaged the carpet and bed.', '2026-07-19', '2026-07-21', 'open', 2650.00),
  ('CLM-1017', 'HOM-5011', 'theft', 'Reports that two designer watches and gold jewellery were taken from the bedroom. No sign of forced entry; no police report until six weeks later; no receipts yet.', '2026-09-17', '2026-11-02', 'under_investigation', 14800.00),
  ('CLM-1018', 'HOM-5012', 'fire', 'Chip pan fire in the kitchen; fire brigade attended. Kitchen destroyed, smoke damage throughout the ground floor.', '2026-04-11', '2026-04-11', 'settled', 18650.00),
  ('CLM-1019', 'MOT-7006', 'vandalism', 'Paintwork keyed along both sides and a wing mirror broken while parked on the street overnight.', '2026-09-05', '2026-09-06', 'settled', 1460.00),
  ('CLM-1020', 'MOT-7007', 'collision', 'Collided with a deer on the A438 at night. Engineer declared the car a total loss (Category S); market value agreed at £26,800.', '2026-11-08', '2026-11-09', 'open', 26800.00),
  ('CLM-1021', 'HOM-5013', 'subsidence', 'Diagonal cracks wider than 5 mm in the walls of the rear extension; structural engineer suspects shrinkage of the clay subsoil near a large oak.', '2026-08-25', '2026-09-02', 'open', 12500.00),
  ('CLM-1022', 'HOM-5014', 'escape_of_water', 'Radiator valve failed while the heating was on; water soaked the lounge carpet and the floorboards beneath.', '2026-10-10', '2026-10-11', 'settled', 2310.00),
  ('CLM-1023', 'HOM-5015', 'storm', 'Storm-force winds brought down a neighbour''s tree onto the conservatory roof; roof panels and frame replaced.', '2026-02-18', '2026-02-19', 'settled', 7340.00),
  ('CLM-1024', 'HOM-5016', 'accidental_damage', 'Red wine spilt on a cream fabric sofa; cushions and covers could not be cleaned.', '2026-07-25', '2026-07-27', 'settled', 640.00),
  ('CLM-1025', 'MOT-7009', 'collision', 'Low-speed reversing collision with a parked van; both vehicles damaged; customer accepts fault.', '2026-06-12', '2026-06-13', 'settled', 1820.00),
  ('CLM-1026', 'HOM-5017', 'escape_of_water', 'Toilet cistern inlet valve failed in the upstairs bathroom; water came through the hall ceiling below.', '2026-09-28', '2026-09-29', 'open', 2975.00),
  ('CLM-1027', 'HOM-5002', 'theft', 'Garden shed broken into; petrol lawnmower and power tools stolen. Police crime reference supplied.', '2026-09-08', '2026-09-10', 'settled', 960.00),
  ('CLM-1028', 'HOM-5003', 'escape_of_water', 'Dishwasher outlet hose came loose; water spread under the kitchen units and lifted the vinyl floor.', '2026-11-20', '2026-11-21', 'open', 1480.00),
  ('CLM-1029', 'MOT-7003', 'theft', 'Catalytic converter cut from the car while parked on the driveway overnight.', '2026-10-30', '2026-10-31', 'open', 1890.00),
  ('CLM-1030', 'HOM-5005', 'flood', 'Flash flood after a cloudburst; surface water ran down the lane and into the garage and utility room.', '2026-01-04', '2026-01-05', 'settled', 5480.00),
  ('CLM-1031', 'HOM-5006', 'accidental_damage', 'Laptop dropped on a tiled floor at home; screen and hinge broken, not economic to repair.', '2026-06-02', '2026-06-03', 'settled', 1100.00),
  ('CLM-1032', 'HOM-5008', 'escape_of_water', 'Central heating pipe under the hall floorboards burst; damp spreading into the walls. Trace and access needed to find the leak.', '2026-11-11', '2026-11-12', 'open', 4760.00),
  ('CLM-1033', 'MOT-7006', 'collision', 'Side-swiped on a roundabout by a van that failed to stop; driver''s doors and wing damaged. Dashcam footage supplied.', '2026-11-19', '2026-11-20', 'open', 3150.00),
  ('CLM-1034', 'HOM-5012', 'theft', 'Bicycle stolen from outside a shop in the city centre; it had not been locked.', '2026-08-03', '2026-08-04', 'declined', 1200.00),
  ('CLM-1035', 'HOM-5014', 'storm', 'Felt on the flat garage roof lifted and torn in a gale; rain came in and damaged stored boxes.', '2026-11-16', '2026-11-17', 'open', 1980.00),
  ('CLM-1036', 'HOM-5016', 'escape_of_water', 'Damp staining on the kitchen ceiling below the bathroom; contractor found cracked grout and failed sealant around the bath letting water seep through over time.', '2026-10-01', '2026-10-20', 'declined', 3400.00),
  ('CLM-1037', 'MOT-7008', 'collision', 'Collision with another car in a supermarket car park; both drivers reversing.', '2026-03-14', '2026-03-14', 'settled', 2200.00),
  ('CLM-1038', 'HOM-5015', 'accidental_damage', 'Diamond engagement ring lost while gardening; valuation certificate supplied.', '2026-07-02', '2026-07-04', 'settled', 3250.00),
  ('CLM-1039', 'HOM-5011', 'escape_of_water', 'Washing machine leaked and damaged the kitchen floor. Reported eighteen days later; customer has no photos of the damage.', '2026-10-12', '2026-10-30', 'under_investigation', 2600.00),
  ('CLM-1040', 'MOT-7004', 'windscreen', 'Windscreen cracked by a stone chip that spread in cold weather.', '2026-11-05', '2026-11-06', 'open', 560.00),
  ('CLM-1041', 'MOT-7001', 'windscreen', 'Windscreen shattered by a falling branch while parked.', '2026-10-21', '2026-10-22', 'settled', 890.00),
  ('CLM-1042', 'HOM-5004', 'storm', 'Up-and-over garage door buckled by strong winds and no longer closes.', '2026-11-17', '2026-11-18', 'open', 2140.00),
  ('CLM-1043', 'MOT-7004', 'theft', 'Car stolen from a retail park. Customer values it at £12,500; the declared value on the policy is £9,800.', '2026-11-22', '2026-11-24', 'open', 12500.00);

-- Payments already made (settled claims). Reference = 'PAY-' || six-digit payment id.
-- Payments above £5,000 (CLM-1018, CLM-1023, CLM-1030) were approved by a senior claims manager.
INSERT INTO payments (id, claim_id, amount, payee, reference, created_at) VALUES
  ( 1, 'CLM-1030', 5230.00,  'Gareth Llewellyn',  'PAY-000001', '2026-01-23 10:14:00'),
  ( 2, 'CLM-1002', 1890.00,  'Rajesh Patel',      'PAY-000002', '2026-02-17 09:42:00'),
  ( 3, 'CLM-1012', 1370.00,  'Lee Hodgson',       'PAY-000003', '2026-02-20 15:05:00'),
  ( 4, 'CLM-1023', 7090.00,  'Peter Fairbrother', 'PAY-000004', '2026-03-06 11:30:00'),
  ( 5, 'CLM-1037', 1700.00,  'Chloe Adeyemi',     'PAY-000005', '2026-03-25 14:18:00'),
  ( 6, 'CLM-1018', 18400.00, 'Oliver Bennett',    'PAY-000006', '2026-05-14 16:02:00'),
  ( 7, 'CLM-1004', 2480.00,  'Thomas Greaves',    'PAY-000007', '2026-05-29 10:51:00'),
  ( 8, 'CLM-1013', 649.00,   'Lee Hodgson',       'PAY-000008', '2026-06-09 12:37:00'),
  ( 9, 'CLM-1031', 850.00,   'Helen Marsh',       'PAY-000009', '2026-06-11 09:20:00'),
  (10, 'CLM-1025', 1320.00,  'Rajesh Patel',      'PAY-000010', '2026-06-24 13:44:00'),
  (11, 'CLM-1038', 3000.00,  'Peter Fairbrother', 'PAY-000011', '2026-07-16 10:09:00'),
  (12, 'CLM-1024', 390.00,   'William Thornton',  'PAY-000012', '2026-08-04 15:27:00'),
  (13, 'CLM-1014', 840.00,   'Lee Hodgson',       'PAY-000013', '2026-08-19 11:12:00'),
  (14, 'CLM-1009', 260.00,   'Priya Nair',        'PAY-000014', '2026-08-21 09:58:00'),
  (15, 'CLM-1019', 960.00,   'Yasmin Haddad',     'PAY-000015', '2026-09-15 14:33:00'),
  (16, 'CLM-1027', 710.00,   'Rajesh Patel',      'PAY-000016', '2026-09-22 10:47:00'),
  (17, 'CLM-1003', 1025.50,  'Siobhan O''Connor', 'PAY-000017', '2026-09-24 16:15:00'),
  (18, 'CLM-1022', 2060.00,  'Joanna Kowalska',   'PAY-000018', '2026-10-20 11:06:00'),
  (19, 'CLM-1041', 390.00,   'Thomas Greaves',    'PAY-000019', '2026-10-29 09:31:00');
