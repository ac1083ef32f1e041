using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Wharf.Server.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Tracking : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "tracking_experiments",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    project_id = table.Column<long>(type: "bigint", nullable: false),
                    name = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    artifact_location = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    lifecycle_stage = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    creation_time = table.Column<long>(type: "bigint", nullable: false),
                    last_update_time = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_tracking_experiments", x => x.id);
                    table.ForeignKey(
                        name: "fk_tracking_experiments_projects_project_id",
                        column: x => x.project_id,
                        principalTable: "projects",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "tracking_experiment_tags",
                columns: table => new
                {
                    experiment_id = table.Column<long>(type: "bigint", nullable: false),
                    key = table.Column<string>(type: "character varying(250)", maxLength: 250, nullable: false),
                    value = table.Column<string>(type: "character varying(8000)", maxLength: 8000, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_tracking_experiment_tags", x => new { x.experiment_id, x.key });
                    table.ForeignKey(
                        name: "fk_tracking_experiment_tags_tracking_experiments_experiment_id",
                        column: x => x.experiment_id,
                        principalTable: "tracking_experiments",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "tracking_runs",
                columns: table => new
                {
                    run_uuid = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    experiment_id = table.Column<long>(type: "bigint", nullable: false),
                    name = table.Column<string>(type: "character varying(250)", maxLength: 250, nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    start_time = table.Column<long>(type: "bigint", nullable: false),
                    end_time = table.Column<long>(type: "bigint", nullable: true),
                    lifecycle_stage = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    user_id = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    artifact_uri = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    deleted_time = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_tracking_runs", x => x.run_uuid);
                    table.ForeignKey(
                        name: "fk_tracking_runs_tracking_experiments_experiment_id",
                        column: x => x.experiment_id,
                        principalTable: "tracking_experiments",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "tracking_latest_metrics",
                columns: table => new
                {
                    run_uuid = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    key = table.Column<string>(type: "character varying(250)", maxLength: 250, nullable: false),
                    value = table.Column<double>(type: "double precision", nullable: false),
                    is_nan = table.Column<bool>(type: "boolean", nullable: false),
                    timestamp = table.Column<long>(type: "bigint", nullable: false),
                    step = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_tracking_latest_metrics", x => new { x.run_uuid, x.key });
                    table.ForeignKey(
                        name: "fk_tracking_latest_metrics_tracking_runs_run_uuid",
                        column: x => x.run_uuid,
                        principalTable: "tracking_runs",
                        principalColumn: "run_uuid",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "tracking_metrics",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    run_uuid = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    key = table.Column<string>(type: "character varying(250)", maxLength: 250, nullable: false),
                    value = table.Column<double>(type: "double precision", nullable: false),
                    is_nan = table.Column<bool>(type: "boolean", nullable: false),
                    timestamp = table.Column<long>(type: "bigint", nullable: false),
                    step = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_tracking_metrics", x => x.id);
                    table.ForeignKey(
                        name: "fk_tracking_metrics_tracking_runs_run_uuid",
                        column: x => x.run_uuid,
                        principalTable: "tracking_runs",
                        principalColumn: "run_uuid",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "tracking_params",
                columns: table => new
                {
                    run_uuid = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    key = table.Column<string>(type: "character varying(250)", maxLength: 250, nullable: false),
                    value = table.Column<string>(type: "character varying(6000)", maxLength: 6000, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_tracking_params", x => new { x.run_uuid, x.key });
                    table.ForeignKey(
                        name: "fk_tracking_params_tracking_runs_run_uuid",
                        column: x => x.run_uuid,
                        principalTable: "tracking_runs",
                        principalColumn: "run_uuid",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "tracking_run_tags",
                columns: table => new
                {
                    run_uuid = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    key = table.Column<string>(type: "character varying(250)", maxLength: 250, nullable: false),
                    value = table.Column<string>(type: "character varying(8000)", maxLength: 8000, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_tracking_run_tags", x => new { x.run_uuid, x.key });
                    table.ForeignKey(
                        name: "fk_tracking_run_tags_tracking_runs_run_uuid",
                        column: x => x.run_uuid,
                        principalTable: "tracking_runs",
                        principalColumn: "run_uuid",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_tracking_experiments_project_id_name",
                table: "tracking_experiments",
                columns: new[] { "project_id", "name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_tracking_latest_metrics_key_value",
                table: "tracking_latest_metrics",
                columns: new[] { "key", "value" });

            migrationBuilder.CreateIndex(
                name: "ix_tracking_metrics_run_uuid_key_step_timestamp_id",
                table: "tracking_metrics",
                columns: new[] { "run_uuid", "key", "step", "timestamp", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_tracking_params_key_value",
                table: "tracking_params",
                columns: new[] { "key", "value" });

            migrationBuilder.CreateIndex(
                name: "ix_tracking_runs_experiment_id_lifecycle_stage_start_time_run_~",
                table: "tracking_runs",
                columns: new[] { "experiment_id", "lifecycle_stage", "start_time", "run_uuid" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "tracking_experiment_tags");

            migrationBuilder.DropTable(
                name: "tracking_latest_metrics");

            migrationBuilder.DropTable(
                name: "tracking_metrics");

            migrationBuilder.DropTable(
                name: "tracking_params");

            migrationBuilder.DropTable(
                name: "tracking_run_tags");

            migrationBuilder.DropTable(
                name: "tracking_runs");

            migrationBuilder.DropTable(
                name: "tracking_experiments");
        }
    }
}
